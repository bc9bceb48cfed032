"""AUTOTRAINER's detection rules as a Keras 3 callback (a baseline for the benchmark).

Zhang, Zhai, Ma, Chen, Zhang, Zhao: "AUTOTRAINER: An Automatic DNN Training Problem Detection
and Repair System", ICSE 2021. Re-implemented here from the paper and from the detection code of
its public repository (github.com/shiningrain/AUTOTRAINER, AutoTrainer/utils/monitor.py),
with the repository's default parameters:

    beta_1 = 1e-3   vanishing: gradient-norm rate (first kernel / last kernel) <= beta_1 ...
    beta_2 = 1e-4   ... and the first kernel's gradient norm <= beta_2
    beta_3 = 70     exploding: gradient-norm rate >= beta_3 (or any NaN/Inf gradient, loss,
                    weight, or a loss >= 1e5)
    gamma  = 0.7    dying ReLU: >= 70% of all gradient entries are exactly zero
    zeta   = 0.03   oscillating: accuracy swings (local max - local min) >= zeta ...
    eta    = 0.2    ... in >= eta * epochs of the run
    delta  = 0.01   slow convergence: the largest epoch-to-epoch accuracy gain, on training and
                    on validation accuracy, stays below delta
    Theta  = 0.7    "satisfied accuracy": training has not converged while max accuracy < Theta
    judgment_point = 0.3   loss/accuracy rules are judged only after 30% of the planned epochs

Decision, as in the repository's ``IssueMonitor.determine`` (checked at every epoch end):
  - NaN/Inf loss, weights or gradients -> "explode";
  - if the accuracy has not converged (max accuracy < Theta) or converges slowly: the first of
    dying ReLU, exploding, vanishing (each counted at any check so far), else slow convergence;
  - otherwise (accuracy converged) an oscillating accuracy -> "unstable".
  Set ``OSCILLATION_ONLY_WHEN_CONVERGED = False`` to also report oscillation while the accuracy
  stays low (a more generous reading of the paper).

Gradients: computed at each epoch end on one fixed batch (the first batch of the training data,
at most 256 samples), in inference mode (no BatchNorm/Dropout state is touched); the model's
non-trainable variables are restored afterwards, so the program's training is unchanged.
Only the TensorFlow backend is supported (tf.GradientTape); the benchmark runs on TensorFlow.
On another backend the gradient rules are skipped and a note says so.

Accuracy: the run's ``accuracy``/``acc`` metric (any logged metric whose name ends in "acc" or
"accuracy" when there is no plain one), and the validation one when the run validates
(otherwise training accuracy stands in for it, as AUTOTRAINER's history needs both). A run with
no accuracy metric cannot be judged by the accuracy-gated rules (AUTOTRAINER targets
classifiers); only the NaN/explosion rule applies there, and a note says so.

Symptom -> closest fitdoctor code (codes.md); every symptom also counts as "flagged a problem".
"""
import math

import numpy as np

import keras

PARAMS = {
    "beta_1": 1e-3,
    "beta_2": 1e-4,
    "beta_3": 70.0,
    "gamma": 0.7,
    "zeta": 0.03,
    "eta": 0.2,
    "delta": 0.01,
    "Theta": 0.7,
    "judgment_point": 0.3,
}
OSCILLATION_ONLY_WHEN_CONVERGED = True

CODE_MAP = {
    "vanish": "FD303",        # vanishing gradient
    "explode": "FD304",       # exploding gradient / NaN
    "relu": "FD206",          # dying ReLU -> dead units
    "unstable": "FD301",      # oscillating loss -> learning rate too high
    "not_converge": "FD302",  # slow convergence -> learning rate / budget too small
}


def _has_nonfinite(values):
    arr = np.asarray(values, dtype="float64")
    return bool(arr.size) and not np.all(np.isfinite(arr))


def _max_delta(acc):
    best = 0.0
    for a, b in zip(acc[:-1], acc[1:]):
        best = max(best, b - a)
    return best


def _oscillating(acc, threshold, rate):
    """The repository's ol_judge: pair local maxima with local minima, count big swings."""
    maxima, minima = [], []
    for i in range(1, len(acc) - 1):
        if acc[i] - acc[i - 1] >= 0 and acc[i] - acc[i + 1] >= 0:
            maxima.append(acc[i])
        if acc[i] - acc[i - 1] <= 0 and acc[i] - acc[i + 1] <= 0:
            minima.append(acc[i])
    count = sum(1 for hi, lo in zip(maxima, minima) if hi - lo >= threshold)
    return count >= rate * len(acc)


def _acc_key(logs, prefix=""):
    for name in ("accuracy", "acc"):
        if prefix + name in logs:
            return prefix + name
    for name in sorted(logs):
        if not name.startswith(prefix) or (not prefix and name.startswith("val_")):
            continue
        if name.endswith("accuracy") or name.endswith("_acc"):
            return name
    return None


def gradient_list(model, sample):
    """Per-variable gradients of the loss on ``sample`` (TensorFlow backend), as numpy arrays."""
    import tensorflow as tf

    x, y = sample
    saved = [v.numpy() for v in model.non_trainable_variables]
    try:
        with tf.GradientTape() as tape:
            y_pred = model(x, training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        variables = model.trainable_variables
        grads = tape.gradient(loss, [v.value for v in variables])
    finally:
        for v, value in zip(model.non_trainable_variables, saved):
            v.assign(value)
    out = []
    for v, g in zip(variables, grads):
        if g is None:
            out.append((v, np.zeros(tuple(v.shape), dtype="float32")))
        else:
            out.append((v, np.asarray(tf.convert_to_tensor(g))))
    return out


class AutoTrainerMonitor(keras.callbacks.Callback):
    """Detects AUTOTRAINER's five training problems; ``self.flags`` lists them as they fire."""

    name = "autotrainer"

    def __init__(self, sample=None, epochs=None, params=None):
        super().__init__()
        self.sample = sample
        self.total_epochs = epochs
        self.thresholds = dict(PARAMS, **(params or {}))
        self.flags = []
        self.notes = []
        self.errors = []
        self.history = {"loss": [], "acc": [], "val_loss": [], "val_acc": []}
        self.feature = {
            "not_converge": False, "unstable_loss": False, "nan_loss": False,
            "sc_accuracy": False, "died_relu": 0, "vanish_gradient": 0,
            "explode_gradient": 0, "nan_gradient": False, "nan_weight": False,
        }
        self._fired = set()
        self._epoch_count = 0

    def _note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def _flag(self, symptom, epoch, evidence):
        if symptom in self._fired:
            return
        self._fired.add(symptom)
        self.flags.append({"symptom": symptom, "code": CODE_MAP.get(symptom),
                           "epoch": epoch, "evidence": evidence})

    def on_train_begin(self, logs=None):
        if self.total_epochs is None:
            self.total_epochs = (getattr(self, "params", None) or {}).get("epochs") or 1

    # ---- features -------------------------------------------------------------------------
    def _gradient_features(self, evidence):
        if self.sample is None:
            self._note("no fixed batch could be taken from the training data: gradient rules skipped")
            return
        if keras.backend.backend() != "tensorflow":
            self._note("gradient rules need the TensorFlow backend: skipped")
            return
        grads = gradient_list(self.model, self.sample)
        if not grads:
            return
        arrays = [g for _, g in grads]
        if any(_has_nonfinite(g) for g in arrays):
            self.feature["nan_gradient"] = True
            evidence["nan_gradient"] = True
            return
        kernels = [float(np.linalg.norm(g)) for v, g in grads if len(v.shape) >= 2]
        if not kernels:
            kernels = [float(np.linalg.norm(g)) for _, g in grads]
        total = sum(g.size for g in arrays)
        zeros = sum(int(np.sum(g == 0)) for g in arrays)
        zero_ratio = zeros / total if total else 0.0
        rate = kernels[0] / kernels[-1] if kernels[-1] > 0 else math.inf
        evidence.update(grad_rate=rate, first_kernel_norm=kernels[0], zero_ratio=zero_ratio)
        p = self.thresholds
        if rate < p["beta_1"] and kernels[0] < p["beta_2"]:
            self.feature["vanish_gradient"] += 1
        if rate > p["beta_3"]:
            self.feature["explode_gradient"] += 1
        if zero_ratio >= p["gamma"]:
            self.feature["died_relu"] += 1

    def _loss_features(self, evidence):
        h, p = self.history, self.thresholds
        losses = h["loss"] + h["val_loss"]
        if _has_nonfinite(losses) or (h["val_loss"] and h["val_loss"][-1] >= 1e5) \
                or (h["loss"] and h["loss"][-1] >= 1e5):
            self.feature["nan_loss"] = True
            return
        if not h["acc"]:
            return
        if len(h["loss"]) < p["judgment_point"] * self.total_epochs:
            return
        train_acc, test_acc = h["acc"], (h["val_acc"] or h["acc"])
        evidence.update(max_acc=max(train_acc), max_val_acc=max(test_acc))
        if _oscillating(train_acc, p["zeta"], p["eta"]):
            self.feature["unstable_loss"] = True
        if max(test_acc) < p["Theta"] or max(train_acc) < p["Theta"]:
            self.feature["not_converge"] = True
        if _max_delta(test_acc) < p["delta"] and _max_delta(train_acc) < p["delta"]:
            self.feature["sc_accuracy"] = True

    def _weight_features(self):
        for w in self.model.get_weights():
            if np.issubdtype(np.asarray(w).dtype, np.floating) and _has_nonfinite(w):
                self.feature["nan_weight"] = True
                return

    # ---- decision -------------------------------------------------------------------------
    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        try:
            self._epoch_count += 1
            acc_key = _acc_key(logs)
            val_acc_key = _acc_key(logs, "val_")
            if acc_key is None:
                self._note("no accuracy metric: the accuracy-gated rules cannot be judged")
            h = self.history
            h["loss"].append(float(logs.get("loss", float("nan"))))
            if "val_loss" in logs:
                h["val_loss"].append(float(logs["val_loss"]))
            if acc_key is not None:
                h["acc"].append(float(logs[acc_key]))
            if val_acc_key is not None:
                h["val_acc"].append(float(logs[val_acc_key]))
            evidence = {}
            self._weight_features()
            self._gradient_features(evidence)
            self._loss_features(evidence)
            f, n = self.feature, epoch + 1
            if f["nan_loss"] or f["nan_weight"] or f["nan_gradient"]:
                self._flag("explode", n, dict(evidence, nan=True))
            if f["not_converge"] or f["sc_accuracy"]:
                if f["died_relu"] >= 1:
                    self._flag("relu", n, evidence)
                elif f["explode_gradient"] >= 1:
                    self._flag("explode", n, evidence)
                elif f["vanish_gradient"] >= 1:
                    self._flag("vanish", n, evidence)
                elif f["sc_accuracy"]:
                    self._flag("not_converge", n, evidence)
                elif f["unstable_loss"] and not OSCILLATION_ONLY_WHEN_CONVERGED:
                    self._flag("unstable", n, evidence)
            elif f["unstable_loss"]:
                self._flag("unstable", n, evidence)
        except Exception as exc:  # a baseline never breaks the program it observes
            self.errors.append(f"epoch {epoch + 1}: {type(exc).__name__}: {exc}")

    def report(self):
        return {"flags": self.flags, "notes": self.notes, "errors": self.errors,
                "epochs_seen": self._epoch_count}
