"""UMLAUT's heuristics as a Keras 3 callback (a baseline for the benchmark).

Schoop, Huang, Hartmann: "UMLAUT: Debugging Deep Learning Programs using Program Structure,
Model Behavior, and Error Messages", CHI 2021. Re-implemented from the paper and from the
heuristics in its public repository (github.com/BerkeleyHCI/umlaut, umlaut/heuristics.py).

Checks before training (program structure and data; on_train_begin):
  - lr_out_of_range     the learning rate of an adaptive optimizer (Adam family, RMSprop,
                        Adagrad, Adadelta) is outside [1e-7, 0.01]; for other optimizers (SGD)
                        only a rate below 1e-7 is flagged (their typical range is wider)
  - input_not_normalized  a (float) model input has values outside [-1, 1]
  - input_not_floating  a model input is not a floating-point array
                        (both input checks skip integer inputs that feed an Embedding layer,
                        a charitable reading: token ids are not meant to be normalised)
  - missing_softmax     a categorical cross-entropy loss without from_logits=True on an output
                        that is not a softmax; or softmax output with from_logits=True; or a
                        binary cross-entropy without from_logits on a non-sigmoid output
                        (UMLAUT's repository checks only for a final Softmax *layer*; a Dense
                        with activation="softmax" counts as a softmax here, to be fair)
Checks at every epoch end (model behaviour):
  - nan_loss            the training loss is NaN (or infinite)
  - overfitting         validation loss rose while training loss did not (epoch over epoch)
  - high_val_accuracy   validation accuracy > 0.95, or above training accuracy (possible
                        leakage between the training and validation sets)

Symptom -> closest fitdoctor code (codes.md). UMLAUT's own message for a NaN loss blames a
too-high learning rate, so it maps to FD301. Overfitting has no fitdoctor code; it counts only
as "flagged a problem". Every check also counts as "flagged a problem".
Backend-agnostic (only keras APIs and numpy); the benchmark runs it on TensorFlow.
"""
import numpy as np

import keras

LR_RANGE = (1e-7, 0.01)
ADAPTIVE = ("adam", "adamw", "adamax", "nadam", "rmsprop", "adagrad", "adadelta", "lion",
            "ftrl", "lamb")

CODE_MAP = {
    "lr_high": "FD301",
    "lr_low": "FD302",
    "input_not_normalized": "FD102",
    "input_not_floating": "FD102",
    "missing_softmax": "FD202",
    "nan_loss": "FD301",
    "overfitting": None,
    "high_val_accuracy": "FD108",
}


def _lr_value(optimizer):
    lr = getattr(optimizer, "learning_rate", None)
    if lr is None:
        return None
    try:
        return float(keras.ops.convert_to_numpy(lr))
    except Exception:
        try:
            sched = getattr(optimizer, "_learning_rate", None)
            return float(keras.ops.convert_to_numpy(sched(0)))
        except Exception:
            return None


def _as_list(x):
    if isinstance(x, dict):
        return list(x.values())
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _layer_activation_name(layer):
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    return getattr(act, "__name__", str(act))


def _output_layers(model):
    """The layers producing each model output (functional/Sequential), else the last layer."""
    layers = []
    try:
        for out in _as_list(model.outputs):
            history = getattr(out, "_keras_history", None)
            if history is not None:
                layers.append(history[0])
    except Exception:
        layers = []
    if not layers and model.layers:
        layers = [model.layers[-1]]
    return layers


def _losses(model):
    loss = getattr(model, "loss", None)
    if loss is None:
        return []
    if isinstance(loss, dict):
        names = list(getattr(model, "output_names", None) or [])
        return [(names.index(k) if k in names else i, v) for i, (k, v) in enumerate(loss.items())]
    if isinstance(loss, (list, tuple)):
        return list(enumerate(loss))
    return [(None, loss)]


def _loss_kind(loss):
    """('categorical' | 'binary' | None, from_logits)"""
    if isinstance(loss, str):
        name, from_logits = loss.lower(), False
    elif isinstance(loss, keras.losses.Loss):
        name = type(loss).__name__.lower()
        fn_kwargs = getattr(loss, "_fn_kwargs", {}) or {}
        from_logits = bool(fn_kwargs.get("from_logits", getattr(loss, "from_logits", False)))
    else:
        name, from_logits = getattr(loss, "__name__", "").lower(), False
    name = name.replace("_", "")
    if "categoricalcrossentropy" in name or name in ("sparsecategoricalcrossentropy",):
        return "categorical", from_logits
    if "binarycrossentropy" in name or name == "binaryfocalcrossentropy":
        return "binary", from_logits
    return None, from_logits


class UmlautMonitor(keras.callbacks.Callback):
    """Runs UMLAUT's static checks at train begin and its dynamic checks at each epoch end."""

    name = "umlaut"

    def __init__(self, inputs=None):
        super().__init__()
        self.inputs = inputs          # the training inputs (full arrays or a first batch)
        self.flags = []
        self.notes = []
        self.errors = []
        self._fired = set()
        self._prev = None

    def _flag(self, check, epoch, evidence):
        key = check
        if key in self._fired:
            return
        self._fired.add(key)
        self.flags.append({"symptom": check, "code": CODE_MAP.get(check), "epoch": epoch,
                           "evidence": evidence})

    # ---- static ---------------------------------------------------------------------------
    def _check_lr(self):
        opt = getattr(self.model, "optimizer", None)
        if opt is None:
            return
        lr = _lr_value(opt)
        if lr is None:
            return
        name = type(opt).__name__.lower()
        if lr < LR_RANGE[0]:
            self._flag("lr_low", 0, {"learning_rate": lr, "optimizer": type(opt).__name__})
        elif lr > LR_RANGE[1] and name in ADAPTIVE:
            self._flag("lr_high", 0, {"learning_rate": lr, "optimizer": type(opt).__name__})

    def _check_inputs(self):
        if self.inputs is None:
            self.notes.append("training inputs not available: input checks skipped")
            return
        has_embedding = any(isinstance(l, keras.layers.Embedding)
                            for l in self.model._flatten_layers(include_self=False))
        for arr in _as_list(self.inputs):
            try:
                arr = np.asarray(keras.ops.convert_to_numpy(arr))
            except Exception:
                arr = np.asarray(arr)
            if arr.dtype == object or arr.size == 0:
                continue
            is_float = np.issubdtype(arr.dtype, np.floating)
            if not is_float and has_embedding:
                continue
            if not is_float and arr.dtype != np.bool_:
                self._flag("input_not_floating", 0, {"dtype": str(arr.dtype)})
            finite = arr[np.isfinite(arr)] if is_float else arr
            if finite.size and (finite.min() < -1 or finite.max() > 1):
                self._flag("input_not_normalized", 0,
                           {"min": float(finite.min()), "max": float(finite.max())})

    def _check_softmax(self):
        outputs = _output_layers(self.model)
        for index, loss in _losses(self.model):
            kind, from_logits = _loss_kind(loss)
            if kind is None:
                continue
            layer = outputs[index] if index is not None and index < len(outputs) else outputs[-1]
            act = _layer_activation_name(layer)
            if kind == "categorical":
                bad = (act != "softmax" and not from_logits) or (act == "softmax" and from_logits)
            else:
                bad = (act != "sigmoid" and not from_logits) or (act == "sigmoid" and from_logits)
            if bad:
                self._flag("missing_softmax", 0, {"loss_kind": kind, "from_logits": from_logits,
                                                  "output_activation": act,
                                                  "layer": getattr(layer, "name", None)})

    def on_train_begin(self, logs=None):
        for check in (self._check_lr, self._check_softmax, self._check_inputs):
            try:
                check()
            except Exception as exc:
                self.errors.append(f"{check.__name__}: {type(exc).__name__}: {exc}")

    # ---- dynamic --------------------------------------------------------------------------
    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        n = epoch + 1
        try:
            loss = logs.get("loss")
            if loss is not None and not np.isfinite(float(loss)):
                self._flag("nan_loss", n, {"loss": float(loss)})
            if self._prev is not None and "val_loss" in logs and "val_loss" in self._prev:
                d_loss = float(logs["loss"]) - float(self._prev["loss"])
                d_val = float(logs["val_loss"]) - float(self._prev["val_loss"])
                if d_val > 0 and d_loss <= 0:
                    self._flag("overfitting", n, {"d_loss": d_loss, "d_val_loss": d_val})
            acc_key = next((k for k in ("accuracy", "acc") if k in logs), None)
            val_key = next((k for k in ("val_accuracy", "val_acc") if k in logs), None)
            if acc_key and val_key:
                acc, val = float(logs[acc_key]), float(logs[val_key])
                if val > 0.95 or val > acc:
                    self._flag("high_val_accuracy", n, {"accuracy": acc, "val_accuracy": val})
            self._prev = logs
        except Exception as exc:
            self.errors.append(f"epoch {n}: {type(exc).__name__}: {exc}")

    def report(self):
        return {"flags": self.flags, "notes": self.notes, "errors": self.errors}
