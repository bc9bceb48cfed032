"""Measurements shared by the pre-flight checks, each taken at most once per run."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable

import numpy as np

from fitdoctor.checks.base import Unsupported
from fitdoctor.data import Batch
from fitdoctor.probes.activations import ForwardPassError, LayerRecord, record_layers
from fitdoctor.probes.curvature import Spectrum, extreme_eigenvalues
from fitdoctor.probes.gradients import LayerGradient, group_by_layer
from fitdoctor.probes.layer_calls import LayerCall, record_layer_calls
from fitdoctor.probes.loss import LossProbe, computes_loss, flatten
from fitdoctor.probes.optimizer import decrease_per_unit_rate
from fitdoctor.probes.short_run import ShortRun, clone_optimizer, minibatches, train_copy
from fitdoctor.probes.train_step import overrides_train_step
from fitdoctor.program import Program

# Samples used by gradient / curvature probes and by the activation recording.
PROBE_SAMPLES = 1024
ACTIVATION_SAMPLES = 256
# Samples of the forward pass that records which layers are called (tracked or not).
CALL_SAMPLES = 32
MAX_HESSIAN_PRODUCTS = 24
# Wall-clock budget of the curvature probe; an early stop under-estimates the curvature, so
# FD301 can only miss, never invent, an instability.
CURVATURE_SECONDS = 3.0
# Short training runs on a copy of the weights: a few dozen steps, on mini-batches of the
# user's batch size drawn from the sample, judged on a fixed evaluation batch.
SHORT_RUN_STEPS = 40
SHORT_RUN_SECONDS = 2.0
# A run given its number of steps, however few, still gets this share of SHORT_RUN_SECONDS:
# a backend's first steps after the compiling one can each cost a tenth of a second (torch on
# a busy CPU), and a budget of 4 steps must be replayed whole to be judged (FD302).
SHORT_RUN_MIN_SHARE = 0.5
SHORT_RUN_BATCHES = 16
EVALUATION_SAMPLES = 256


class PreflightContext:
    def __init__(self, program: Program) -> None:
        self.program = program

    @property
    def model(self) -> Any:
        return self.program.model

    @cached_property
    def sample(self) -> Batch:
        if self.program.data.sample is None:
            raise Unsupported(f"no sample of the training data ({self.program.data.kind} input)")
        return self.program.data.sample

    @cached_property
    def _no_loss(self) -> Unsupported | None:
        """Why no loss can be probed, decided once."""
        compiled = getattr(self.model, "_compile_loss", None) is not None
        if self.sample.y is None and compiled:
            return Unsupported("the training data has no targets")
        if not computes_loss(self.model, self.sample.take(ACTIVATION_SAMPLES).x):
            if overrides_train_step(self.model):
                return Unsupported("the loss is computed inside the model's own train_step, "
                                   "which only FD201 measures")
            return Unsupported("the model computes no loss (none compiled, none added)")
        return None

    @cached_property
    def _probe(self) -> LossProbe:
        self.layer_records  # a model that cannot run is reported once, as unsupported
        if self._no_loss is not None:
            raise self._no_loss
        return LossProbe(self.model, self.sample.take(PROBE_SAMPLES))

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
        return decrease_per_unit_rate(self.model.optimizer, probe.params, grads)

    @cached_property
    def gradient(self) -> np.ndarray:
        _, grads = self.loss_probe.value_and_grad()
        return flatten(grads)

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
                  evaluation: Batch | None = None, steps: int | None = None) -> ShortRun:
        """A short training run of a copy of the model with a fresh optimizer from
        `make_optimizer` on `sample` (default: the training sample), judged on `evaluation`
        (default: part of the sample). Without `steps`, as many as the user's run makes, at
        most SHORT_RUN_STEPS."""
        self.loss_probe  # a loss that cannot be computed is reported once, as unsupported
        sample = (sample or self.sample).take(PROBE_SAMPLES)
        batch_size = self.program.data.batch_size or sample.size
        least = SHORT_RUN_MIN_SHARE if steps else 0.0  # a run given `steps` needs them all
        steps = steps or self.short_run_steps
        seconds = SHORT_RUN_SECONDS * min(max(steps / SHORT_RUN_STEPS, least), 3)
        return train_copy(self.model, minibatches(sample, batch_size, SHORT_RUN_BATCHES),
                          evaluation or sample.spread(EVALUATION_SAMPLES), make_optimizer, steps, seconds,
                          owner=self)

    @property
    def short_run_steps(self) -> int:
        """Steps of a short run: SHORT_RUN_STEPS, never more than the user's run makes."""
        budget = self.program.budget.total_steps
        return SHORT_RUN_STEPS if budget is None else max(1, min(SHORT_RUN_STEPS, budget))

    @cached_property
    def user_short_run(self) -> ShortRun:
        """The short run with a fresh copy of the user's own optimizer (its rate, schedule,
        momentum and clipping)."""
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
        return extreme_eigenvalues(probe.hvp, probe.dimension, MAX_HESSIAN_PRODUCTS, CURVATURE_SECONDS)

    @cached_property
    def _recording(self) -> tuple[list[LayerRecord], ForwardPassError | None]:
        try:
            return record_layers(self.model, self.sample.take(ACTIVATION_SAMPLES).x), None
        except ForwardPassError as failure:
            return failure.records, failure

    @property
    def layer_records(self) -> list[LayerRecord]:
        """Every layer call of a forward pass on the sample."""
        records, failure = self._recording
        if failure is not None:
            raise Unsupported(f"the model fails on a sample batch ({failure})")
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
        return record_layer_calls(self.model, self.sample.take(CALL_SAMPLES).x)

    @cached_property
    def predictions(self) -> list[np.ndarray]:
        import keras

        return [np.asarray(p) for p in keras.tree.flatten(self._probe.predictions)]

    @cached_property
    def targets(self) -> list[np.ndarray]:
        return self._probe.batch.target_leaves()
