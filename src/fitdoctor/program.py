"""What one training run is: the model, its compile configuration, its data and its budget.

`Program` is built once per training run (the first `fit()` on a model) and extended by
later `fit()` calls on the same model, which add to its budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from fitdoctor.data import DataSource

# Keras names (strings, function names, class names in snake_case) of the losses whose
# semantics the checks understand, mapped to one family name.
_LOSS_FAMILIES = {
    "mse": "mse", "mean_squared_error": "mse",
    "mae": "mae", "mean_absolute_error": "mae",
    "binary_crossentropy": "bce", "bce": "bce",
    "binary_focal_crossentropy": "bce",
    "categorical_crossentropy": "cce", "cce": "cce",
    "categorical_focal_crossentropy": "cce",
    "sparse_categorical_crossentropy": "sparse_cce",
    "huber": "mse", "log_cosh": "mse", "logcosh": "mse",
    "mean_squared_logarithmic_error": "mse", "msle": "mse",
    "mean_absolute_percentage_error": "mae", "mape": "mae",
}


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


@dataclass(frozen=True)
class LossSpec:
    """One output's loss: its display name, family (`mse`, `mae`, `bce`, `cce`, `sparse_cce`
    or `other`) and `from_logits`."""

    name: str
    family: str
    from_logits: bool = False
    ignore_class: int | None = None

    @property
    def is_classification(self) -> bool:
        return self.family in ("bce", "cce", "sparse_cce")

    @property
    def expects_probabilities(self) -> bool:
        return self.is_classification and not self.from_logits

    @classmethod
    def of(cls, loss: Any) -> "LossSpec":
        if loss is None:
            return cls("none", "other")
        if isinstance(loss, str):
            return cls(loss, _LOSS_FAMILIES.get(loss.lower(), "other"))
        kwargs = getattr(loss, "_fn_kwargs", None) or {}
        from_logits = bool(getattr(loss, "from_logits", kwargs.get("from_logits", False)))
        ignore_class = getattr(loss, "ignore_class", kwargs.get("ignore_class"))
        fn = getattr(loss, "fn", None)
        candidates = [type(loss).__name__, getattr(loss, "name", None) or ""]
        if fn is not None:
            candidates.insert(0, getattr(fn, "__name__", ""))
        if callable(loss) and hasattr(loss, "__name__"):
            candidates.insert(0, loss.__name__)
        for candidate in candidates:
            family = _LOSS_FAMILIES.get(_snake(candidate)) or _LOSS_FAMILIES.get(candidate.lower())
            if family:
                return cls(candidate, family, from_logits, ignore_class)
        return cls(candidates[0] or repr(loss), "other", from_logits, ignore_class)


@dataclass(frozen=True)
class OptimizerSpec:
    """The optimizer as configured: class name, starting rate, schedule, momentum, clipping."""

    name: str
    learning_rate: float
    schedule: Any = None
    momentum: float = 0.0
    nesterov: bool = False
    clipping: dict[str, float] = field(default_factory=dict)

    @property
    def is_plain_sgd(self) -> bool:
        return self.name == "SGD"

    def rate_at(self, steps: np.ndarray) -> np.ndarray:
        """The learning rate at each of the optimizer steps `steps` (0-based). Schedules are
        called one step at a time, as the optimizer calls them (some branch on the step)."""
        if self.schedule is None:
            return np.full(len(steps), self.learning_rate, dtype=np.float64)
        import keras

        return np.array([float(keras.ops.convert_to_numpy(self.schedule(int(step)))) for step in steps])

    @classmethod
    def of(cls, optimizer: Any) -> "OptimizerSpec":
        import keras

        # A LossScaleOptimizer (mixed precision) scales the loss and unscales the gradients:
        # the update is its inner optimizer's.
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        schedule = None
        raw_rate = optimizer._learning_rate
        if isinstance(raw_rate, keras.optimizers.schedules.LearningRateSchedule):
            schedule = raw_rate
            start = float(keras.ops.convert_to_numpy(raw_rate(0)))
        elif callable(raw_rate):
            start = float(keras.ops.convert_to_numpy(raw_rate()))
        else:
            start = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        clipping = {
            name: float(value)
            for name in ("clipnorm", "clipvalue", "global_clipnorm")
            if (value := getattr(optimizer, name, None)) is not None
        }
        return cls(
            name=type(optimizer).__name__,
            learning_rate=start,
            schedule=schedule,
            momentum=float(getattr(optimizer, "momentum", 0.0) or 0.0)
            if type(optimizer).__name__ == "SGD"
            else 0.0,
            nesterov=bool(getattr(optimizer, "nesterov", False)),
            clipping=clipping,
        )


@dataclass
class FitCall:
    """One intercepted `fit()` call: where it was made and how many optimizer steps it asks for."""

    where: str
    epochs: int
    steps_per_epoch: int | None


@dataclass
class Budget:
    """The optimizer steps of the whole training run, across its `fit()` calls.

    `predicted_repeats` is how often the first call's loop will run it (a `fit()` inside
    `for _ in range(N)`), so pre-flight can judge the budget the script will really spend.
    """

    calls: list[FitCall] = field(default_factory=list)
    predicted_repeats: int = 1
    loop_source: str | None = None

    @property
    def steps_so_far(self) -> int | None:
        total = 0
        for call in self.calls:
            if call.steps_per_epoch is None:
                return None
            total += call.epochs * call.steps_per_epoch
        return total

    @property
    def total_steps(self) -> int | None:
        """The steps the run is expected to make: the calls made so far, or the first call's
        loop count times its steps when the loop has not finished yet."""
        so_far = self.steps_so_far
        if so_far is None:
            return None
        first = self.calls[0]
        predicted = self.predicted_repeats * first.epochs * (first.steps_per_epoch or 0)
        return max(so_far, predicted)


@dataclass
class Program:
    """A captured training run."""

    model: Any
    losses: list[LossSpec]
    optimizer: OptimizerSpec
    data: DataSource
    fit_kwargs: dict[str, Any]
    where: str
    budget: Budget = field(default_factory=Budget)

    @property
    def class_weight(self) -> dict[int, float] | None:
        return self.fit_kwargs.get("class_weight")

    @classmethod
    def capture(cls, model: Any, data: DataSource, fit_kwargs: dict[str, Any], where: str) -> "Program":
        _align_targets(model, data)
        losses = _loss_specs(model)
        optimizer = OptimizerSpec.of(model.optimizer)
        program = cls(model, losses, optimizer, data, dict(fit_kwargs), where)
        program.add_call(where, fit_kwargs, data.steps_per_epoch)
        return program

    def add_call(self, where: str, fit_kwargs: dict[str, Any], steps_per_epoch: int | None) -> None:
        epochs = int(fit_kwargs.get("epochs") or 1) - int(fit_kwargs.get("initial_epoch") or 0)
        self.budget.calls.append(FitCall(where, max(epochs, 0), steps_per_epoch))


def _loss_specs(model: Any) -> list[LossSpec]:
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        names = getattr(model, "output_names", None) or list(loss)
        return [LossSpec.of(loss.get(name)) for name in names]
    if isinstance(loss, (list, tuple)):
        return [LossSpec.of(item) for item in loss]
    return [LossSpec.of(loss)]


def _align_targets(model: Any, data: DataSource) -> None:
    """Targets given as a dict keyed by output name, for a model whose outputs are a list, in
    the outputs' order (as Keras's compiled loss pairs them), so that the i-th target leaf is
    the i-th output's everywhere."""
    names = list(getattr(model, "output_names", None) or [])
    outputs = getattr(model, "outputs", None)
    if len(names) < 2 or not isinstance(outputs, (list, tuple)):
        return

    def aligned(y: Any) -> Any:
        if isinstance(y, dict) and set(y) == set(names):
            return [y[name] for name in names]
        return y

    if data.sample is not None:
        data.sample = replace(data.sample, y=aligned(data.sample.y),
                              sample_weight=aligned(data.sample.sample_weight))
    data.full_targets = aligned(data.full_targets)
    data.full_sample_weight = aligned(data.full_sample_weight)
