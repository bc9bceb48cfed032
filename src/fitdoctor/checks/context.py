"""Measurements shared by the pre-flight checks, each taken at most once per run, each
sized to what pre-flight may spend on the model (probes/cost.py)."""

from __future__ import annotations

import math
import time
from functools import cached_property
from typing import Any, Callable

import numpy as np

from fitdoctor.checks.base import Unsupported
from fitdoctor.data import Batch
from fitdoctor.probes.activations import ForwardPassError, LayerRecord, record_layers
from fitdoctor.probes.cost import Allowance, PassCost, pass_cost, time_scale
from fitdoctor.probes.curvature import Spectrum, extreme_eigenvalues
from fitdoctor.probes.gradients import LayerGradient, global_norm, group_by_layer
from fitdoctor.probes.layer_calls import LayerCall, record_layer_calls
from fitdoctor.probes.loss import LossProbe, computes_loss, host_weights
from fitdoctor.probes.optimizer import STEADY_STEPS, decrease_per_unit_rate
from fitdoctor.probes.short_run import ShortRun, clone_optimizer, minibatches, train_copy
from fitdoctor.probes.train_step import overrides_train_step
from fitdoctor.program import Program

# Samples used by gradient / curvature probes and by the activation recording, at most:
# fewer when one pass on them would cost more than their share of pre-flight's budget.
PROBE_SAMPLES = 1024
ACTIVATION_SAMPLES = 256
PROBE_SHARE = 0.2  # one forward and backward pass on the probe samples
ACTIVATION_SHARE = 0.1  # one forward pass on the activation samples
# Fewest samples a probe is measured on, whatever it costs (FD201 compares 8).
LEAST_SAMPLES = 8
# Samples of the forward pass that records which layers are called (tracked or not), in
# at most CALL_SHARE of the budget.
CALL_SAMPLES = 32
CALL_SHARE = 0.02
MAX_HESSIAN_PRODUCTS = 24
# Wall-clock budget of the curvature probe, after its first (compiling) product, at most
# CURVATURE_SHARE of pre-flight's; an early stop under-estimates the curvature, so FD301 can
# only miss, never invent, an instability. Fewer than MIN_HESSIAN_PRODUCTS in the budget
# cannot be judged at all.
CURVATURE_SECONDS = 3.0
CURVATURE_SHARE = 0.6
MIN_HESSIAN_PRODUCTS = 3
# A Hessian-vector product costs about this many forward and backward passes.
PASSES_PER_PRODUCT = 3
# Short training runs on a copy of the weights: a few dozen steps, on mini-batches of the
# user's batch size drawn from the sample, judged on a fixed evaluation batch.
SHORT_RUN_STEPS = 40
SHORT_RUN_SECONDS = 2.0
# ... or this many times what its steps were estimated to cost (probes/cost.py, timed on this
# machine at the start of pre-flight), within what is left of the short runs' budget: on a
# loaded machine the estimate and the steps slow down alike (PyTorch beside three busy
# processes: 0.2 s a step instead of 0.018, and 37 of 40 steps in the fixed 8 s).
SHORT_RUN_COST_MARGIN = 1.5
# A run given its number of steps, however few, still gets this share of SHORT_RUN_SECONDS:
# a backend's first steps after the compiling one can each cost a tenth of a second (torch on
# a busy CPU), and a budget of 4 steps must be replayed whole to be judged (FD302).
SHORT_RUN_MIN_SHARE = 0.5
SHORT_RUN_BATCHES = 16
# ... and more, when sixteen hold fewer samples than this: a run cycling through sixteen
# samples of batch size 1 memorises them and says nothing about what carries over.
SHORT_RUN_DISTINCT_SAMPLES = 256
EVALUATION_SAMPLES = 256
EVALUATION_SHARE = 0.05  # one forward pass on the evaluation samples
# A short run that cannot afford this many steps (at the cost of a step measured so far)
# is not made: too few steps cannot be judged.
MIN_SHORT_RUN_STEPS = 8
# The optimizer steps that measure the descent per unit rate (probes/optimizer.py).
DESCENT_SHARE = 0.1


class PreflightContext:
    def __init__(self, program: Program) -> None:
        self.program = program
        # What was shortened among the measurements the current check used (engine.py puts
        # it in that check's evidence).
        self.used_shortened: dict[str, str] = {}
        # Set once the run's training has ended: checks that judge the outcome then look at
        # the trained model.
        self.trained = False
        # The loss probes that timed a pass (probes/cost.py), by number of samples.
        self._timed_probes: dict[int, LossProbe] = {}

    @property
    def model(self) -> Any:
        return self.program.model

    def measured(self, name: str) -> Any:
        """The measurement `name` (one of the cached properties below, or a property over a
        private cached one, like `user_short_run`) if a check took it, else None: a view of the
        report shows what was measured and never measures for itself."""
        taken = vars(self)
        return taken.get(name, taken.get(f"_{name}"))

    @cached_property
    def sample(self) -> Batch:
        if self.program.data.sample is None:
            raise Unsupported(f"no sample of the training data ({self.program.data.kind} input)")
        return self.program.data.sample

    @cached_property
    def host_weights(self) -> list[np.ndarray]:
        """One host copy of the trainable weights, shared by every probe (pre-flight
        changes no weight; on a large model each copy costs seconds)."""
        return host_weights(self.model)

    @cached_property
    def allowance(self) -> Allowance:
        """What pre-flight may spend on this model: one epoch of the run, from one measured
        forward and backward pass at the user's batch size (probes/cost.py)."""
        batch_size = self.program.data.batch_size or self.sample.size
        try:
            self._no_loss_reason()
            passes = pass_cost(self.model, self.sample, self.host_weights, self._timed_probes)
        except Unsupported:
            passes = PassCost(0.0, 0.0)  # nothing differentiable to measure, nor to shorten
        return Allowance.of(passes, batch_size, self.program.data.steps_per_epoch,
                            sum(int(np.size(w)) for w in self.host_weights))

    def _sized(self, name: str, wanted: int, share: float, forward_only: bool = False) -> int:
        count = self.allowance.samples(name, min(wanted, self.sample.size), share,
                                       min(LEAST_SAMPLES, self.sample.size), forward_only)
        self._used(name)
        return count

    def _used(self, name: str) -> None:
        if name in self.allowance.shortened:
            self.used_shortened[name] = self.allowance.shortened[name]

    @property
    def probe_samples(self) -> int:
        """Samples of the loss, gradient and curvature probes."""
        return self._sized("samples", PROBE_SAMPLES, PROBE_SHARE)

    @cached_property
    def _no_loss(self) -> Unsupported | None:
        """Why no loss can be probed, decided once."""
        compiled = getattr(self.model, "_compile_loss", None) is not None
        if self.sample.y is None and compiled:
            return Unsupported("the training data has no targets")
        if not computes_loss(self.model, self.sample.take(CALL_SAMPLES).x):
            if overrides_train_step(self.model):
                return Unsupported("the loss is computed inside the model's own train_step, "
                                   "which only FD201 measures")
            return Unsupported("the model computes no loss (none compiled, none added)")
        return None

    @cached_property
    def _probe(self) -> LossProbe:
        self.layer_records  # a model that cannot run is reported once, as unsupported
        self._no_loss_reason()
        count = self.probe_samples
        timed = self._timed_probes.get(count)
        return timed or LossProbe(self.model, self.sample.take(count), params=self.host_weights)

    def _no_loss_reason(self) -> None:
        if self._no_loss is not None:
            raise self._no_loss

    @cached_property
    def _loss_failure(self) -> str | None:
        probe = self._probe  # no loss at all is unsupported as such, not a failing loss
        try:
            probe.value_and_grad()
        except Exception as error:  # noqa: BLE001 - the user's loss rejects these targets (FD106)
            return f"the compiled loss fails on a sample batch ({type(error).__name__}: {str(error)[:200]})"
        return None

    @property
    def loss_probe(self) -> LossProbe:
        """The loss and its derivatives on the sample; unsupported when the loss itself fails."""
        if self._loss_failure:
            raise Unsupported(self._loss_failure)
        self._used("samples")
        return self._probe

    @cached_property
    def initial_loss(self) -> float:
        return self.loss_probe.value()

    @cached_property
    def descent_per_unit_rate(self) -> float:
        """The first-order loss decrease per step, per unit of learning rate, that the user's
        optimizer makes from the starting point (probes/optimizer.py); measured once per run,
        however often a growing budget is judged again."""
        probe = self.loss_probe
        _, grads = probe.value_and_grad()
        seconds = self.allowance.seconds_for(math.inf, DESCENT_SHARE)
        descent = decrease_per_unit_rate(self.model.optimizer, probe.params, grads, seconds=seconds)
        if not descent.settled:
            raise Unsupported(f"{type(self.model.optimizer).__name__}'s steady step was not reached in "
                              f"{descent.steps} steps within {seconds:.2g} s of pre-flight's budget")
        if descent.cut_short:
            self.allowance.shortened["descent_steps"] = (
                f"descent rate: measured over {descent.steps} of {STEADY_STEPS} optimizer steps (settled)")
        self._used("descent_steps")
        return descent.per_unit_rate

    @cached_property
    def gradient_norm(self) -> float:
        """The norm of the loss gradient at the start, weight by weight (one flat copy of a
        38M-parameter gradient costs a tenth of a second)."""
        _, grads = self.loss_probe.value_and_grad()
        return global_norm(grads)

    @cached_property
    def layer_gradients(self) -> list[LayerGradient]:
        """The loss gradient of every trainable weight, grouped by owning layer, input side
        first (probes/gradients.py)."""
        probe = self.loss_probe
        if not probe.params:
            return []
        try:
            _, grads = probe.value_and_grad()
        except Exception as error:  # the loss rejects these targets: FD106 says why
            raise Unsupported(f"the loss fails on the sample ({type(error).__name__})") from error
        return group_by_layer(self.model, probe.params, grads, self.layer_records)

    def short_run(self, make_optimizer: Callable[[], Any], sample: Batch | None = None,
                  evaluation: Batch | None = None, steps: int | None = None,
                  least_batch_size: int = 1, order: int = 0, fitted: bool = False) -> ShortRun:
        """A short training run of a copy of the model with a fresh optimizer from
        `make_optimizer` on `sample` (default: the training sample), judged on `evaluation`
        (default: part of the sample), in mini-batches of the user's size (at least
        `least_batch_size`) drawn in the order numbered `order`; with `fitted`, its loss on
        the mini-batches it trained on is measured too. Without `steps`, as many as the
        user's run makes, at most SHORT_RUN_STEPS, and fewer when its time runs out (the
        evidence says so); a run given `steps` needs them all. Unsupported when what is left
        of the short runs' budget (probes/cost.py) cannot pay for the steps needed."""
        self.loss_probe  # a loss that cannot be computed is reported once, as unsupported
        if evaluation is None and sample is None:
            evaluation = self.evaluation_batch
            self._used("evaluation_samples")
        sample = (sample or self.sample).take(PROBE_SAMPLES)
        batch_size = max(self.program.data.batch_size or sample.size, min(least_batch_size, sample.size))
        needed = steps or min(self.short_run_steps, MIN_SHORT_RUN_STEPS)
        least = SHORT_RUN_MIN_SHARE if steps else 0.0  # a run given `steps` needs them all
        steps = steps or self.short_run_steps
        allowance = self.allowance
        if not allowance.afford_run(needed):
            raise Unsupported(allowance.why_not(f"a short run of {needed} steps", allowance.run_seconds_for(needed),
                                                allowance.run_seconds))
        seconds = min(max(SHORT_RUN_SECONDS * time_scale() * min(max(steps / SHORT_RUN_STEPS, least), 3),
                          SHORT_RUN_COST_MARGIN * allowance.run_seconds_for(steps)),
                      allowance.run_seconds)
        if evaluation is None:
            evaluation = sample.spread(self._sized("evaluation_samples", EVALUATION_SAMPLES,
                                                   EVALUATION_SHARE, forward_only=True))
        began = time.perf_counter()
        batches = max(SHORT_RUN_BATCHES, -(-SHORT_RUN_DISTINCT_SAMPLES // batch_size))
        run = train_copy(self.model, minibatches(sample, batch_size, batches, seed=order),
                         evaluation, make_optimizer, steps, seconds, owner=self, start=self.host_weights,
                         fitted=fitted)
        allowance.spent_on_run(time.perf_counter() - began, run.step_seconds)
        if run.steps < steps and all(map(math.isfinite, run.losses)):
            allowance.shortened["short_run_steps"] = (
                f"short_run_steps: a short run made {run.steps} of {steps} steps in its {seconds:.2g} s")
        self._used("short_run_steps")
        return run

    @cached_property
    def evaluation_batch(self) -> Batch:
        """The fixed batch that short runs on the training sample are judged on."""
        sample = self.sample.take(PROBE_SAMPLES)
        return sample.spread(self._sized("evaluation_samples", EVALUATION_SAMPLES, EVALUATION_SHARE,
                                         forward_only=True))

    @cached_property
    def trained_evaluation_loss(self) -> float:
        """The trained model's loss on the evaluation batch, measured once when training has
        ended, for every check that sets its prediction against the outcome."""
        if not self.trained:
            raise RuntimeError("the trained model's loss is measured only once training has ended")
        return LossProbe(self.model, self.evaluation_batch, training=False).value_alone()

    @property
    def short_run_steps(self) -> int:
        """Steps of a short run: SHORT_RUN_STEPS, never more than the user's run makes."""
        budget = self.program.budget.total_steps
        return SHORT_RUN_STEPS if budget is None else max(1, min(SHORT_RUN_STEPS, budget))

    @property
    def user_short_run(self) -> ShortRun:
        """The short run with a fresh copy of the user's own optimizer (its rate, schedule,
        momentum and clipping)."""
        run = self._user_short_run
        self._used("short_run_steps")
        return run

    @cached_property
    def _user_short_run(self) -> ShortRun:
        optimizer = self.model.optimizer
        try:
            make = clone_optimizer(optimizer)
            make()
        except Exception as error:  # noqa: BLE001 - a custom optimizer without a config
            raise Unsupported(f"{type(optimizer).__name__} cannot be copied from its config "
                              f"({error})") from error
        return self.short_run(make)

    @cached_property
    def spectrum(self) -> Spectrum:
        probe = self.loss_probe
        allowance = self.allowance
        seconds = allowance.seconds_for(CURVATURE_SECONDS * time_scale(), CURVATURE_SHARE)
        least = min(MIN_HESSIAN_PRODUCTS, probe.dimension)
        product = PASSES_PER_PRODUCT * allowance.pass_seconds(probe.size)
        if least * product > seconds:
            raise Unsupported(allowance.why_not(
                f"the curvature probe ({least} Hessian-vector products on {probe.size} samples)",
                least * product, seconds))
        spectrum = extreme_eigenvalues(probe.hvp, probe.dimension, MAX_HESSIAN_PRODUCTS, seconds)
        if spectrum.timed_out and spectrum.products < least:
            raise Unsupported(f"the curvature probe made only {spectrum.products} Hessian-vector "
                              f"product(s) in its {seconds:.2g} s; too few to judge the curvature")
        if spectrum.timed_out:
            allowance.shortened.setdefault(
                "curvature", f"curvature: {spectrum.products} Hessian-vector products in {seconds:.2g} s")
        self._used("curvature")
        return spectrum

    @cached_property
    def _recording(self) -> tuple[list[LayerRecord], ForwardPassError | None]:
        try:
            count = self._sized("activation_samples", ACTIVATION_SAMPLES, ACTIVATION_SHARE, forward_only=True)
            return record_layers(self.model, self.sample.take(count).x), None
        except ForwardPassError as failure:
            return failure.records, failure

    @property
    def layer_records(self) -> list[LayerRecord]:
        """Every layer call of a forward pass on the sample."""
        records, failure = self._recording
        if failure is not None:
            raise Unsupported(f"the model fails on a sample batch ({failure})")
        self._used("activation_samples")
        return records

    @property
    def layer_records_until_failure(self) -> list[LayerRecord]:
        """The layer calls that completed, also when a later layer fails."""
        return self._recording[0]

    @cached_property
    def layer_calls(self) -> list[LayerCall]:
        """Every `Layer.__call__` of one stateless forward pass on a small sub-batch, also of
        layers the model does not track, with the layer that called each."""
        self.layer_records  # a model that cannot run is reported once, as unsupported
        return record_layer_calls(self.model, self.call_sample.x)

    @cached_property
    def call_sample(self) -> Batch:
        """The samples of the extra forward passes that look at which layers run and what
        they use (FD204)."""
        return self.sample.take(self._sized("call_samples", CALL_SAMPLES, CALL_SHARE, forward_only=True))

    @cached_property
    def predictions(self) -> list[np.ndarray]:
        import keras

        return [np.asarray(p) for p in keras.tree.flatten(self._probe.predictions)]

    @cached_property
    def targets(self) -> list[np.ndarray]:
        return self._probe.batch.target_leaves()
