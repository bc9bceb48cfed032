"""`Monitor`: a Keras callback that watches training and reports symptoms and the causes that
develop during it.

Cost. The loss is read once per epoch from the logs Keras already computed. Measurements
(probes/training.py) run on a schedule:

- at every epoch end: a fingerprint of the trainable weights (one host copy) for FD406; some
  copies are kept for the deeper probes below;
- at epoch ends, and every N steps inside an epoch, a measurement on the probe batch
  (predictions, layer outputs, the loss gradient by layer) for FD405, FD206, FD303, FD304;
  only while the monitor's time, this measurement included, stays under `budget` (default
  2%) of the training time so far. Before the first measurement its cost is estimated as
  FIRST_COST_STEPS training steps (it runs eagerly, or compiles on JAX); after it, from the
  last one. N is adaptive: N = measurement time / (budget x step time), the step time coming
  from the last epoch's wall time, so in-epoch measurements happen only where steps are long
  against a measurement;
- once when a fit ends, unless the last measurement was made at its last step: the final
  state is always judged, also for runs too short to afford a measurement on the way. Under
  `fitdoctor run`, where one run may be many fit() calls (a loop of one-epoch fits), the
  budget, the step time and the compiled probe carry over from fit to fit, and a fit's end
  is measured only when affordable or when nothing was measured yet; otherwise the final
  weights are measured once, when the script ends.

Deeper probes. A symptom that no reported cause explains (a divergence: FD401, FD402, FD404;
units that died: FD206) makes the monitor look for its cause at that moment, once per run
each (checks/symptoms/runtime_causes.py): the curvature against the rate in force (FD301), on
the current weights or on the last finite ones; then a replay of the steps since the epoch
before the loss's largest rise, on a copy with a fresh copy of the user's optimizer, for a
gradient cliff (FD304), which lasts a step or two and falls between scheduled measurements.
For them the epoch-end host copies of the weights are kept (probes/training.py Snapshot):
the last SNAPSHOTS finite ones and the one before the largest epoch-to-epoch rise of the
loss, for models of up to SNAPSHOT_PARAMETERS.

The only batch hook overridden is `on_train_batch_begin`, which receives no logs and does an
integer comparison per batch; Keras decides asynchronous dispatch on `on_batch_end` /
`on_train_batch_end` alone, which stay untouched, so no per-batch host sync happens (a
scheduled measurement reads the weights, once, when it runs).
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import keras
import numpy as np

from fitdoctor.config import Settings
from fitdoctor.engine import check_error, judge_symptoms
from fitdoctor.findings import Finding, Severity
from fitdoctor.history import Fingerprint
from fitdoctor.probes.cost import time_scale
from fitdoctor.report.model import Report, Run

logger = logging.getLogger("fitdoctor")

BUDGET = 0.02
# The first measurement is assumed to cost this many training steps (three forward passes
# and one backward pass on the probe batch, eagerly: measured 4-20 steps on CPU).
FIRST_COST_STEPS = 20
# Fewest steps between two in-epoch measurements.
MIN_INTERVAL = 20
# Wall-clock bound of the on-demand curvature probe (one per run, when a divergence appears).
CURVATURE_SECONDS = 2.0
# Up to this many trainable parameters the host copies of the weights that the epoch-end
# fingerprint makes anyway are kept (at most three, 60 MB in float32), so that a failure can
# be examined where it began: the last SNAPSHOTS finite ones (a loss that overflowed within an
# epoch; a step that broke training in the epoch before its mean loss showed it), and the one
# before the epoch whose loss jumped most (units that die are seen only at a later
# measurement, long after the step that killed them).
SNAPSHOT_PARAMETERS = 5_000_000
SNAPSHOTS = 2
# The replay that looks for a gradient cliff behind an unexplained symptom (once per run):
# at most this many steps, on at most this many samples of the training data, for at least
# this many seconds after compiling, or twice what the user's own training of as many steps
# took (a replay step costs about one of the user's: measured 0.013 vs 0.014 s on PyTorch,
# 0.0032 vs 0.0044 s on TensorFlow), so that a loaded machine slows both alike.
REPLAY_STEPS = 200
REPLAY_SECONDS = 3.0
REPLAY_STEP_COST = 2.0
REPLAY_SAMPLES = 1024
# The batch size a replay uses when the monitor cannot know the user's (standalone):
# Keras's default.
DEFAULT_BATCH_SIZE = 32
DIVERGENCE = ("FD401", "FD402", "FD404")
# Units that die during training were pushed below zero by a step too large: a reported cause
# of such steps explains them (the runtime finding names it; at the start, dead units are a
# cause of their own).
DEAD_UNITS_THROWN_BY = ("FD304", "FD301")
# What a run's next fit() inherits from this one (Run.monitor_carry).
CARRIED = ("_trained", "_spent", "_cost", "_step_time", "_probe", "_last_measured_step",
           "_snapshots", "_before_jump", "_largest_jump", "_replay_sample", "_curvature_probed",
           "_replayed")


class Monitor(keras.callbacks.Callback):
    """Watches training and reports FD4xx symptoms and FD206/FD303/FD304 as they develop.

    Args:
        stop_on: `"error"` or `"warning"`: stop training as soon as a finding at or above
            that level is established. Default: never stop.
        probe: `(x, y)` or `(x, y, sample_weight)`: a fixed batch of training data to measure
            on (predictions, dead units, gradients). Without it, a standalone Monitor skips
            those measurements (reported once, as FD902). Under `fitdoctor run` the
            pre-flight sample is used.
        budget: the share of training time the monitor may spend measuring (default 0.02).

    Standalone (in `callbacks=[fitdoctor.Monitor()]`), each `fit()` is one run: state is
    reset in `on_train_begin`, the report is logged through `logging` when training ends and
    kept as `monitor.report`. Under `fitdoctor run`, repeated fits of one model share a run.
    """

    def __init__(self, stop_on: str | Severity | None = None, *, probe: Any = None,
                 budget: float = BUDGET, _run: Run | None = None,
                 _settings: Settings | None = None, _on_finding: Any = None) -> None:
        super().__init__()
        if isinstance(stop_on, str):
            stop_on = Severity.parse(stop_on)
        self.stop_on = stop_on
        self.budget = budget
        self._probe_data = probe
        self._shared_run = _run
        self._settings = _settings or Settings()
        self._on_finding = _on_finding
        self.run: Run | None = _run
        self.report: Report | None = None
        self._reset()

    # -- state -----------------------------------------------------------------------------

    def _reset(self) -> None:
        self._probe: Any = None
        self._first_step = 0  # optimizer steps before this fit
        self._steps = 0  # steps of this fit so far
        self._epoch_steps = 0
        self._epoch_began = 0.0
        self._trained = 0.0  # training wall time, monitor time excluded
        self._spent = 0.0  # monitor time charged to the budget
        self._in_epoch = 0.0  # monitor time inside the current epoch
        self._cost: float | None = None  # one measurement, steady state
        self._step_time: float | None = None
        self._every: int | None = None
        self._last_measured_step = -1
        self._curvature_probed = False
        self._replayed = False
        self._snapshots: list[Any] = []  # probes/training.py Snapshot, oldest first
        self._before_jump: Any = None  # the Snapshot before the largest epoch-to-epoch loss rise
        self._largest_jump = 1.0
        self._replay_sample: Any = None
        self.measurement_count = 0
        self.costs: list[float] = []  # seconds of each measurement of this fit

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()
        self.run = self._shared_run if self._shared_run is not None else Run("fit()")
        self.report = None
        try:
            self._first_step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        except Exception:  # noqa: BLE001 - no optimizer yet: counts from this fit
            self._first_step = 0
        carried = self.run.monitor_carry if self._shared_run is not None else None
        self.run.pending_final = None  # this fit's end supersedes the last one's
        if carried is not None:
            for name, value in carried.items():
                setattr(self, name, value)
        else:
            self._setup_probe()

    def _setup_probe(self) -> None:
        from fitdoctor.probes.training import TrainingProbe, as_batch, probe_batch

        data = self._probe_data if self._probe_data is not None else self.run.probe
        try:
            sample = as_batch(data) if data is not None else None
            batch = probe_batch(sample)
        except Exception as error:  # noqa: BLE001
            self._add([check_error("monitor", error)])
            batch = None
        if batch is None:
            self._skip("A callback cannot see the training data; pass a fixed batch with "
                       "fitdoctor.Monitor(probe=(x, y)) to measure predictions, dead units and "
                       "gradients." if data is None else "The training data sample has no targets.")
            return
        try:
            self._probe = TrainingProbe(self.model, batch)
        except Exception as error:  # noqa: BLE001 - e.g. a stateful RNN that needs its batch size
            self._skip(f"The model cannot run statelessly on the probe batch ({error}).")
            return
        self._replay_sample = sample.take(REPLAY_SAMPLES)
        if not self._probe.differentiable:
            self._not_measured("The loss is computed inside the model's own train_step, which "
                               "fitdoctor cannot differentiate; predictions and layer outputs are "
                               "still measured.", ["FD303", "FD304"])
        elif self.run.history.initial is None:
            # Symptoms and runtime causes are judged against where training started; under
            # `fitdoctor run` pre-flight measured it, standalone it costs one forward pass.
            from fitdoctor.probes import rng

            began = time.perf_counter()
            try:
                with rng.preserved():
                    self.run.history.initial = self._probe.loss()
            except Exception as error:  # noqa: BLE001
                self._add([check_error("monitor", error)])
                self._probe = None
            self._spent += time.perf_counter() - began

    def _skip(self, why: str) -> None:
        """Measurements on the probe batch are not possible."""
        self._probe = None
        self._not_measured(why, ["FD405", "FD206", "FD303", "FD304"])

    def _not_measured(self, why: str, skipped: list[str]) -> None:
        """Said once per run (FD902)."""
        if any(f.code == "FD902" and f.evidence.get("monitor") == why for f in self.run.findings):
            return
        self._add([Finding(
            "FD902", Severity.INFO, f"The monitor does not judge {', '.join(skipped)} during training",
            why, {"monitor": why, "skipped": skipped}, {}, None)])

    # -- hooks -----------------------------------------------------------------------------

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_began = time.perf_counter()
        self._in_epoch = 0.0
        self._epoch_steps = 0

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        # No logs, no tensors: an integer comparison unless a measurement is due.
        self._epoch_steps = batch
        every = self._every
        if every is not None and batch and batch % every == 0:
            step = self._first_step + self._steps + batch
            began = time.perf_counter()
            if self._affordable(began):
                self._measure(step, f"step {step}")
                self._in_epoch += time.perf_counter() - began

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        ended = time.perf_counter()
        steps = self._epoch_steps + 1
        self._steps += steps
        wall = ended - self._epoch_began - self._in_epoch
        self._trained += max(wall, 0.0)
        self._step_time = max(wall, 1e-9) / steps
        loss = (logs or {}).get("loss")
        if loss is not None:
            self.run.history.record(float(loss))
        epoch_number = self.run.history.epochs if loss is not None else epoch + 1
        step = self._first_step + self._steps
        at = f"epoch {epoch_number}"
        began = time.perf_counter()
        try:
            self._fingerprint(step, at)
            self._spent += time.perf_counter() - began
            if self._probe is not None and step != self._last_measured_step \
                    and self._affordable(None):
                self._measure(step, at)
        except Exception as error:  # noqa: BLE001 - the monitor must never break the fit
            self._add([check_error("monitor", error)])
            self._probe = None
        judged = time.perf_counter()
        self._judge(final=False, at=at)
        self._schedule()
        self._spent += time.perf_counter() - judged

    def on_train_end(self, logs: dict | None = None) -> None:
        step = self._first_step + self._steps
        if self._probe is not None and self._steps and step != self._last_measured_step:
            at = f"epoch {self.run.history.epochs}"
            if self._shared_run is None or not self.run.history.measurements or self._affordable(None):
                self._measure(step, at)
                self._judge(final=False, at=at)
            else:
                self.run.pending_final = lambda: (self._measure(step, at), self._judge(final=False, at=at))
        if self._shared_run is not None:
            self.run.monitor_carry = {name: getattr(self, name) for name in CARRIED}
            return
        self.run.history.finished = True
        self._judge(final=True, at=None)
        self.report = Report(None, [self.run])
        for finding in self.run.ranked():
            logger.log(logging.ERROR if finding.severity == Severity.ERROR else logging.WARNING
                       if finding.severity == Severity.WARNING else logging.INFO,
                       "%s %s: %s", finding.code, finding.name, finding.title)

    # -- measuring -------------------------------------------------------------------------

    def _affordable(self, now: float | None) -> bool:
        """Whether one more measurement keeps the monitor within its budget; `now` inside an
        epoch (whose training time so far counts), None between epochs."""
        cost = self._cost
        if cost is None:
            if not self._step_time:
                return False
            cost = FIRST_COST_STEPS * self._step_time
        trained = self._trained
        if now is not None:
            trained += max(now - self._epoch_began - self._in_epoch, 0.0)
        return self._spent + cost <= self.budget * trained

    def _schedule(self) -> None:
        """Steps between in-epoch measurements: one measurement per `cost / budget` seconds
        of training; none inside an epoch when that is longer than the epoch."""
        if self._cost is None or not self._step_time or self._probe is None:
            self._every = None
            return
        every = max(MIN_INTERVAL, math.ceil(self._cost / (self.budget * self._step_time)))
        steps = (self.params or {}).get("steps") or self._epoch_steps + 1
        self._every = every if every < steps else None

    def _fingerprint(self, step: int, at: str) -> None:
        from fitdoctor.probes.loss import host_weights
        from fitdoctor.probes.training import Snapshot, fingerprints

        variables = self.model.trainable_variables
        try:
            rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        except Exception:  # noqa: BLE001
            rate = None
        weights = host_weights(self.model)
        values = fingerprints(weights)
        if np.isfinite(values).all() and sum(w.size for w in weights) <= SNAPSHOT_PARAMETERS:
            losses = self.run.history.losses
            jump = losses[-1] / losses[-2] if len(losses) >= 2 and losses[-2] > 0 else math.nan
            if self._snapshots and math.isfinite(jump) and jump > self._largest_jump:
                self._largest_jump, self._before_jump = jump, self._snapshots[-1]
            self._snapshots = (self._snapshots + [Snapshot(step, at, weights)])[-SNAPSHOTS:]
        self.run.history.add_fingerprint(Fingerprint(
            step, at, values, [getattr(v, "path", v.name) for v in variables],
            [int(math.prod(v.shape)) for v in variables], rate,
            [getattr(v, "constraint", None) is not None for v in variables]))

    def _measure(self, step: int, at: str) -> None:
        began = time.perf_counter()
        from fitdoctor.probes import rng
        from fitdoctor.probes.activations import ForwardPassError

        try:
            # Dropout in a training-mode pass draws from torch's global generator.
            with rng.preserved():
                measurement = self._probe.measure(step, self.run.history.epochs, at)
        except ForwardPassError as failure:  # e.g. a stateful RNN that needs its batch size
            self._skip(f"The model cannot run statelessly on the probe batch ({failure}).")
            return
        except Exception as error:  # noqa: BLE001
            self._add([check_error("monitor", error)])
            self._probe = None
            return
        cost = time.perf_counter() - began
        self.measurement_count += 1
        self.costs.append(cost)
        self._last_measured_step = step
        self._spent += cost
        self._cost = cost
        self.run.history.add_measurement(measurement)
        try:
            self.run.traces.record_measurement(measurement)
        except Exception as error:  # noqa: BLE001 - the report's plots must never break the fit
            self._add([check_error("report", error)])
        self._judge_measurement(measurement)
        # Symptoms compare predictions across measurements; the weights, gradients and layer
        # outputs are not kept (for a large model they are as large as the model).
        measurement.groups, measurement.records = [], []

    # -- judging ---------------------------------------------------------------------------

    def _known(self) -> set[str]:
        return {f.code for f in self.run.findings}

    def _judge_measurement(self, measurement: Any) -> None:
        from fitdoctor.checks.symptoms.runtime_causes import dead_units_now, gradient_causes, gradient_cliff_now

        known = self._known()
        new: list[Finding] = []
        try:
            if "FD206" not in known and self._settings.wants("FD206"):
                finding = dead_units_now(measurement, self.run.history.reference)
                if finding:
                    finding.explained_by = self._first_reported(DEAD_UNITS_THROWN_BY)
                    new.append(finding)
            causes = gradient_causes(measurement, self.run.history.reference)
            found = gradient_cliff_now(self.run.history, self.model.optimizer, measurement.at)
            for finding in causes + ([found] if found else []):
                if finding.code not in known and self._settings.wants(finding.code):
                    new.append(finding)
                    known.add(finding.code)
        except Exception as error:  # noqa: BLE001
            new.append(check_error("monitor", error))
        self._add(new)
        self._deeper(new, measurement.at)
        if measurement.at.startswith("step"):
            self._established(judge_symptoms(self.run, self._settings, final=False))

    def _judge(self, final: bool, at: str | None) -> None:
        new = judge_symptoms(self.run, self._settings, final=final)
        self._established(new)
        self._deeper(new, at)

    def _deeper(self, new: list[Finding], at: str | None) -> None:
        """A symptom that no reported cause explains: look for its cause at that moment, once
        per run each. A divergence: the curvature now (FD301), on the last finite weights when
        the current ones overflowed. Then, or for units that died: the steps since the epoch
        before the loss's largest rise (else the oldest kept weights before the symptom)
        replayed with the user's optimizer, for a gradient cliff (FD304)."""
        from fitdoctor.probes import rng

        symptoms = [finding for finding in new if finding.code in DIVERGENCE + ("FD206",)]
        if self._probe is None or at is None or not symptoms:
            return
        try:
            with rng.preserved():  # training-mode passes draw (Dropout on torch's generator)
                self._look_deeper(symptoms, at)
        except Exception as error:  # noqa: BLE001 - the monitor must never break the fit
            self._add([check_error("monitor", error)])

    def _look_deeper(self, symptoms: list[Finding], at: str) -> None:
        for symptom in symptoms:
            if self._explained(symptom):
                continue
            if symptom.code in DIVERGENCE and not self._curvature_probed:
                self._curvature_probed = True
                self._probe_curvature(at)
            if not self._replayed and not self._explained(symptom):
                self._replayed = True
                self._replay(symptom)
            if symptom.code == "FD206":
                symptom.explained_by = self._first_reported(DEAD_UNITS_THROWN_BY)
            return

    def _explained(self, symptom: Finding) -> bool:
        from fitdoctor.checks import REGISTRY

        causes = DEAD_UNITS_THROWN_BY if symptom.code == "FD206" else \
            getattr(REGISTRY.get(symptom.code), "explained_by", ())
        return self._first_reported(causes) is not None

    def _first_reported(self, causes: tuple[str, ...]) -> str | None:
        """The first of `causes` reported (above INFO) in this run."""
        reported = {f.code for f in self.run.findings if f.kind == "cause" and f.severity > Severity.INFO}
        return next((code for code in causes if code in reported), None)

    @property
    def _weights_finite(self) -> bool:
        """Whether the weights at the latest epoch end were finite (from their fingerprint)."""
        fingerprints = self.run.history.fingerprints
        return not fingerprints or bool(np.isfinite(fingerprints[-1].values).all())

    def _probe_curvature(self, at: str) -> None:
        from fitdoctor.checks.symptoms.runtime_causes import curvature_now

        last_finite = None if self._weights_finite else next(reversed(self._snapshots), None)
        if "FD301" in self._known() or not self._settings.wants("FD301") or \
                (not self._weights_finite and last_finite is None):
            return
        began = time.perf_counter()
        try:
            finding = curvature_now(self.model, self._probe.batch, at, CURVATURE_SECONDS * time_scale(),
                                   last_finite)
        except Exception as error:  # noqa: BLE001
            finding = check_error("FD301", error)
        self._spent += time.perf_counter() - began
        if finding is not None:
            self._add([finding])

    def _replay(self, symptom: Finding) -> None:
        from fitdoctor.checks.symptoms.runtime_causes import cliff_replayed

        step = symptom.evidence.get("step", self._first_step + self._steps)
        before = [snapshot for snapshot in [self._before_jump, *self._snapshots]
                  if snapshot is not None and snapshot.step < step]
        if "FD304" in self._known() or not self._settings.wants("FD304") or not before \
                or self._replay_sample is None:
            return
        start = before[0]
        steps = min(step - start.step, REPLAY_STEPS)
        seconds = max(REPLAY_SECONDS * time_scale(), REPLAY_STEP_COST * steps * (self._step_time or 0.0))
        began = time.perf_counter()
        try:
            finding = cliff_replayed(self.model, self._replay_sample,
                                     self.run.batch_size or DEFAULT_BATCH_SIZE, start, steps, seconds, symptom,
                                     self._probe.batch)
        except Exception as error:  # noqa: BLE001
            finding = check_error("FD304", error)
        self._spent += time.perf_counter() - began
        if finding is not None:
            self._add([finding])

    def _add(self, findings: list[Finding]) -> None:
        self.run.findings.extend(findings)
        self._established(findings)

    def _established(self, findings: list[Finding]) -> None:
        for finding in findings:
            if self._on_finding is not None:
                self._on_finding(finding)
            if self.stop_on is not None and finding.severity >= self.stop_on and finding.kind != "tool":
                self.model.stop_training = True
