"""What pre-flight may spend on one model, and how large each measurement may be.

Pre-flight must cost no more than one epoch of the user's run, or FLOOR_SECONDS when epochs
are shorter and the model is cheap to measure (a small model, or one whose step costs
milliseconds, is then measured as fully as it always was; a large model whose step costs a
tenth of a second or more could not be measured fully in the floor either, and gets one
epoch). Before anything else, forward and backward passes on two numbers of samples are
timed on a copy of the weights, which gives the cost of a pass as a fixed part plus a part
per sample, and so the cost of one step at the user's batch size. The probe samples, the
short runs' steps, the range test and the curvature probe are sized from it; what had to be
shortened is noted, so that the findings' evidence says so.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fitdoctor.data import Batch
from fitdoctor.probes import backends

# Every wall-clock limit of the probes is multiplied by this variable's value (default 1): on
# a slow or shared machine a measurement otherwise runs out of time and is not made.
TIME_SCALE_VARIABLE = "FITDOCTOR_TIME_SCALE"
# What pre-flight may spend on a cheap model (see `Allowance.of`) when an epoch of the user's
# run is shorter than this.
FLOOR_SECONDS = 5.0
# Short runs may spend RUN_SHARE of the budget, and on a cheap model at least
# RUN_FLOOR_SECONDS: a small model's short runs (compiled steps of a millisecond or two) are
# bounded by their own clocks, which keep them to a few seconds. A model is cheap when its
# step is, or when it has at most LARGE_PARAMETERS weights: the eager pass that the estimate
# times can cost far more than a compiled step (a small LSTM on JAX: 2.3 s eager). A slow pass
# of a larger model is arithmetic, which compiling does not make cheaper: the run floor alone
# was twice the whole budget of a 38M-parameter CNN whose step costs 0.4 s (pre-flight 5.6x
# its epoch), and the 5 s floor 2.5 of its 2 s epochs.
RUN_SHARE = 0.5
RUN_FLOOR_SECONDS = 10.0
CHEAP_STEP_SECONDS = 0.05
LARGE_PARAMETERS = 1_000_000
# A pass is timed on this many samples first (each size twice, the faster kept: the first
# pass on a shape pays one-off set-up, JAX compiles every primitive on first use). The fewest
# samples a probe measures (FD201 and FD205 compare batches of 8), so a slow model whose
# probes are all shortened to it pays that set-up once.
TIMED_SAMPLES = 8
# A probe shortened below NEW_SHAPE_GAIN times the timed samples keeps the timed ones, whose
# pass is already paid for: more samples are worth a slow model's pass on a new shape (and its
# set-up: TensorFlow's and JAX's eager kernels are prepared per shape) only when an average
# over them is at least twice as precise.
NEW_SHAPE_GAIN = 4
# A pass is timed again on as many samples as should take SLOW_SECONDS, when that is at least
# twice TIMED_SAMPLES; a slower model's cost is split by one pass on TIMED_SAMPLES //
# SLOW_SPLIT samples instead, when a new shape's set-up (measured on the first) costs less
# than a pass; otherwise it counts as all per sample (which errs towards shortening). Counted
# all per sample, a 38M-parameter CNN's step at batch size 32 was estimated at 4x its
# 8-sample pass, 0.9 s; split, 0.5 s, as timed.
SLOW_SECONDS = 0.25
SLOW_SPLIT = 4
# A forward pass costs about a third of a forward and backward pass; counted as a half.
FORWARD_SHARE = 0.5
# Tracing or compiling a short run's step, and its evaluations, counted as this many steps.
RUN_OVERHEAD_STEPS = 4


def time_scale() -> float:
    """The factor on every wall-clock limit of the probes, from FITDOCTOR_TIME_SCALE."""
    value = os.environ.get(TIME_SCALE_VARIABLE, "")
    try:
        scale = float(value) if value else 1.0
    except ValueError:
        raise ValueError(f"{TIME_SCALE_VARIABLE}={value!r} is not a number; set it to a factor "
                         f"such as 2 to give every measurement twice its time") from None
    if not scale > 0:
        raise ValueError(f"{TIME_SCALE_VARIABLE}={value!r} must be a positive factor")
    return scale


@dataclass(frozen=True)
class PassCost:
    """A forward and backward pass of the training loss costs `fixed + per_sample * n`, and
    the first pass on a new number of samples `setup` more (paid already for `timed`)."""

    fixed: float
    per_sample: float
    setup: float = 0.0
    timed: int = 0

    def seconds(self, samples: int) -> float:
        return self.fixed + self.per_sample * samples


@dataclass
class Allowance:
    """Pre-flight's budget for one model: `seconds` in all, of which `run_seconds` are left
    for short runs on a copy; `passes` is the measured cost of a pass at `batch_size`."""

    seconds: float
    passes: PassCost
    batch_size: int
    run_seconds: float
    # The floor `seconds` had when an epoch is shorter (0: a costly model gets one epoch).
    floor: float = 0.0
    # A compiled short-run step, measured once a short run has made steps.
    run_step_seconds: float | None = None
    # Measurement name -> what was shortened, for the evidence of findings that used it.
    shortened: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, passes: PassCost, batch_size: int, steps_per_epoch: int | None,
           parameters: int = 0) -> "Allowance":
        batch_size = max(1, batch_size)
        epoch = passes.seconds(batch_size) * steps_per_epoch if steps_per_epoch else 0.0
        scale = time_scale()
        if passes.seconds(batch_size) <= CHEAP_STEP_SECONDS * scale or parameters <= LARGE_PARAMETERS:
            seconds = max(FLOOR_SECONDS * scale, epoch)
            return cls(seconds, passes, batch_size, max(RUN_FLOOR_SECONDS * scale, RUN_SHARE * seconds),
                       FLOOR_SECONDS * scale)
        return cls(epoch, passes, batch_size, RUN_SHARE * epoch)

    @property
    def step_seconds(self) -> float:
        """One forward and backward pass at the user's batch size."""
        return self.passes.seconds(self.batch_size)

    def pass_seconds(self, samples: int) -> float:
        return self.passes.seconds(samples)

    def samples(self, name: str, wanted: int, share: float, least: int = 1,
                forward_only: bool = False) -> int:
        """At most `wanted` samples, as many as one pass on them (forward and backward, or
        forward only) costs within `share` of the budget, and at least `least`."""
        factor = FORWARD_SHARE if forward_only else 1.0
        allowed = share * self.seconds / factor
        passes = self.passes
        if passes.seconds(wanted) <= allowed:
            return wanted
        # Shortened: a new number of samples also pays the set-up of a new shape.
        per_sample = max(passes.per_sample, 1e-12)
        count = max(least, min(wanted, int((allowed - passes.fixed - passes.setup) / per_sample)))
        if least <= count < NEW_SHAPE_GAIN * passes.timed and passes.timed <= wanted \
                and passes.seconds(passes.timed) <= allowed:
            # The samples already timed, whose pass is paid for.
            count = passes.timed
        if count < wanted:
            self.shortened[name] = (f"{name}: {count} of {wanted} samples (one pass "
                                    f"~{self.pass_seconds(wanted) * factor:.2g} s on {wanted}, "
                                    f"pre-flight budget {self.seconds:.3g} s)")
        return count

    def run_seconds_for(self, steps: int) -> float:
        """The estimated cost of a short run of `steps` steps."""
        return (steps + RUN_OVERHEAD_STEPS) * (self.run_step_seconds or self.step_seconds)

    def afford_run(self, steps: int) -> bool:
        return self.run_seconds_for(steps) <= self.run_seconds

    def spent_on_run(self, seconds: float, step_seconds: float | None) -> None:
        """A short run took `seconds` in all, `step_seconds` a step after the first."""
        self.run_seconds -= seconds
        if step_seconds is not None:
            self.run_step_seconds = step_seconds

    def grant(self, runs: int, steps: int) -> None:
        """Time for `runs` more short runs of `steps` steps, beyond pre-flight's own: the
        measurements a repair search asks for (with --repair only)."""
        self.run_seconds += runs * self.run_seconds_for(steps)

    def seconds_for(self, wanted: float, share: float) -> float:
        """`wanted` seconds for a time-bounded probe, at most `share` of the budget (the
        probe notes in `shortened` what it then cut short)."""
        return min(wanted, share * self.seconds)

    def why_not(self, what: str, seconds: float, within: float) -> str:
        """Why a measurement estimated at `seconds` is not made in the `within` seconds it
        may have."""
        return (f"{what} would take about {seconds:.2g} s (a step of this model "
                f"~{self.run_step_seconds or self.step_seconds:.2g} s at batch size {self.batch_size}), "
                f"more than the {max(within, 0.0):.2g} s pre-flight can give it (its budget: "
                f"{self.seconds:.3g} s, one epoch of this run"
                + (f" or at least {self.floor:g} s)" if self.floor else ")"))


def pass_cost(model: Any, batch: Batch, params: list[np.ndarray],
              probes: dict[int, Any] | None = None) -> PassCost:
    """The cost of a forward and backward pass of the training loss, timed on copies of the
    weights `params`: on TIMED_SAMPLES samples of `batch`, then, unless that is already
    slow, on as many more as should still take about SLOW_SECONDS (a small model's pass is
    mostly fixed overhead, which a line through two nearby sizes cannot tell from noise).
    Free when there is nothing to differentiate or the model or its loss fails (other
    checks say why). The timed loss probes are left in `probes` by number of samples, their
    value and gradient measured, for probes on the same samples to reuse."""
    from fitdoctor.probes.loss import fixed_batch_size

    few = min(TIMED_SAMPLES, batch.size)
    if not params or few < 1:
        return PassCost(0.0, 0.0)
    size = fixed_batch_size(model)
    try:
        if size is not None:
            # Any number of samples costs passes of this size (probes/loss.py): time one.
            first, fastest = _timed(model, batch.take(min(size, batch.size)), params, probes)
            return PassCost(0.0, fastest / size, first - fastest)
        first, fastest = _timed(model, batch.take(few), params, probes)
        setup = max(0.0, first - fastest)
        many = min(batch.size, int(few * SLOW_SECONDS / max(fastest, 1e-9)))
        if many < 2 * few:
            # Slow, or too few samples for a line: split by a pass on fewer samples, the set-up
            # a new shape pays taken off as measured on the first.
            fewer = few // SLOW_SPLIT
            if fewer < 1 or setup >= fastest:
                return PassCost(0.0, fastest / few, setup, few)
            small = max(0.0, _timed(model, batch.take(fewer), params, None, repeats=1)[0] - setup)
            per_sample = min(fastest / few, max(0.0, (fastest - small) / (few - fewer)))
            return PassCost(fastest - per_sample * few, per_sample, setup, few)
        _, second = _timed(model, batch.take(many), params, probes)
    except Exception:  # noqa: BLE001 - a model or loss that fails is other checks' finding
        return PassCost(0.0, 0.0)
    per_sample = max(0.0, (second - fastest) / (many - few))
    return PassCost(max(0.0, fastest - per_sample * few), per_sample, setup, few)


def _timed(model: Any, batch: Batch, params: list[np.ndarray],
           probes: dict[int, Any] | None, repeats: int = 2) -> tuple[float, float]:
    """The first of `repeats` timed passes on `batch` and the fastest (the first on a new
    shape can pay seconds of set-up: eager JAX compiles every primitive on first use). The
    first pass's value and gradient are kept in `probes`, when given; the others are only
    timed."""
    from fitdoctor.probes.loss import LossProbe

    probe = LossProbe(model, batch, params=params)
    adapter = backends.current()
    times = []
    for repeat in range(repeats):
        began = time.perf_counter()
        if repeat == 0 and probes is not None:
            probe.measured(adapter.value_and_grad(probe.loss_of_weights, params))
            probes[batch.size] = probe
        else:
            adapter.gradient_pass(probe.loss_of_weights, params)
        times.append(time.perf_counter() - began)
    return times[0], min(times)
