"""Applies a repair's changes to the training run it targets, inside a trial process, at that
run's fit() calls (capture.Session's `before_fit` hook).

The model and compile changes are made once, at the run's first fit(): in place where Keras
allows it (a layer's activation or initial weights), otherwise by a wrapper model that shares
every layer and weight of the user's model (an output reshape, an input normalisation); the
model is then compiled again as the user compiled it, with the changed optimizer or loss.
Data and fit() changes are made at every fit() of the run.
"""

from __future__ import annotations

import copy
import math
import threading
from typing import Any, Callable

import numpy as np

from fitdoctor.repairs.model import Change

Arguments = dict[str, Any]


def _compile_arguments(model: Any) -> dict[str, Any]:
    """The arguments the user passed to compile(), as objects."""
    config = getattr(model, "_compile_config", None)
    return dict(getattr(config, "config", None) or {})


def output_layer(model: Any) -> Any:
    """The layer whose activation makes the model's (first) output: the last layer, looking
    through layers that only move values around (Flatten, Reshape, Dropout)."""
    layers = list(model.layers)
    outputs = getattr(model, "outputs", None)
    if outputs:
        history = getattr(outputs[0], "_keras_history", None)
        if history is not None:
            layer = history.operation
            while not hasattr(layer, "activation") and _inbound(layer) is not None:
                layer = _inbound(layer)
            if hasattr(layer, "activation"):
                return layer
    for layer in reversed(layers):
        if hasattr(layer, "activation"):
            return layer
    raise ValueError("the model has no layer with an output activation to change")


def _inbound(layer: Any) -> Any:
    nodes = getattr(layer, "_inbound_nodes", None) or []
    if not nodes or not nodes[0].parent_nodes:
        return None
    return nodes[0].parent_nodes[0].operation


def _layer(model: Any, name: str) -> Any:
    """The layer called `name` in `model` or any model nested in it (a wrapper's inner model)."""
    for layer in model._flatten_layers(include_self=False):
        if layer.name == name:
            return layer
    raise ValueError(f"no layer named {name!r} in model {model.name!r}")


def _wrap(model: Any, transform: Callable[[list[Any]], list[Any]], inputs: Callable[[list[Any]], list[Any]] | None = None) -> Any:
    """A functional model around `model`: new inputs (optionally transformed), `model` called
    on them, the outputs transformed. It shares the user's layers and weights."""
    import keras

    specs = model.inputs if getattr(model, "inputs", None) else None
    if specs is None:
        raise ValueError("the model has no symbolic inputs to wrap (a subclassed model)")
    fresh = [keras.Input(shape=tuple(t.shape[1:]), dtype=t.dtype, name=f"repaired_{i}")
             for i, t in enumerate(specs)]
    fed = inputs(fresh) if inputs else fresh
    outputs = model(fed[0] if len(fed) == 1 else fed)
    flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    new = transform(list(flat))
    return keras.Model(fresh[0] if len(fresh) == 1 else fresh, new[0] if len(new) == 1 else new,
                       name=f"{model.name}_repaired")


def _copying_dataset(dataset: Any) -> Any:
    """`dataset` whose batches are copied as they are produced, under a lock, so a producer
    that refills one buffer cannot overwrite a batch already handed out (FD105's fix, applied
    from outside the user's class)."""
    import keras

    lock = threading.Lock()

    class CopyingPyDataset(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__(workers=dataset.workers, use_multiprocessing=False,
                             max_queue_size=dataset.max_queue_size)

        def __len__(self) -> int:
            return len(dataset)

        @property
        def num_batches(self) -> Any:
            return dataset.num_batches

        def __getitem__(self, index: int) -> Any:
            with lock:
                return copy.deepcopy(dataset[index])

        def on_epoch_end(self) -> None:
            dataset.on_epoch_end()

    return CopyingPyDataset()


def _copying_generator(generator: Any) -> Any:
    for batch in generator:
        yield copy.deepcopy(batch)


class Applier:
    """The changes of one repair, applied to the `run_index`-th training run of the script."""

    def __init__(self, changes: list[Change], run_index: int = 0) -> None:
        self.changes = changes
        self.run_index = run_index
        # Every model fit() was called on, in order: a run is the models' position.
        self._models: list[Any] = []
        self.repaired: Any = None
        self.target_transform: tuple[float, float] | None = None
        # A budget repair's epoch losses and convergence, across the run's fit() calls.
        self.epoch_losses: list[float] = []
        self.converged = False

    def __call__(self, model: Any, arguments: Arguments) -> Any:
        """The model fit() trains instead of `model` (arguments changed in place), or None to
        skip this fit() (a budget repair whose run has converged)."""
        if not any(seen is model for seen in self._models):
            self._models.append(model)
        if next(i for i, seen in enumerate(self._models) if seen is model) != self.run_index:
            return model
        if self.converged:
            return None
        first = self.repaired is None
        for change in self._of("data"):
            DATA[change.action](self, change.params, arguments)
        if first:
            repaired = model
            # Changes made in place first, on the user's layers; wrappers around them last.
            for change in sorted(self._of("model"), key=lambda c: c.action in WRAPPERS):
                repaired = MODEL[change.action](repaired, change.params, arguments)
            self._recompile(model, repaired)
            self.repaired = repaired
        for change in self._of("fit"):
            FIT[change.action](self, change.params, arguments)
        return self.repaired

    def _of(self, target: str) -> list[Change]:
        return [c for c in self.changes if c.target == target]

    def _recompile(self, original: Any, repaired: Any) -> None:
        compiled = _compile_arguments(original)
        changes = self._of("compile")
        if not changes and repaired is original:
            return
        from fitdoctor.probes.short_run import clone_optimizer

        optimizer = original.optimizer
        overrides: dict[str, Any] = {}
        new_class = None
        for change in changes:
            if change.action == "optimizer":
                new_class = change.params.get("class_name")
                overrides.update(change.params.get("config") or {})
            elif change.action == "loss":
                compiled["loss"] = _loss(change.params)
        if new_class and new_class != type(optimizer).__name__:
            import keras

            compiled["optimizer"] = keras.optimizers.get({"class_name": new_class, "config": overrides})
        else:
            compiled["optimizer"] = clone_optimizer(optimizer, **overrides)()
        repaired.compile(**compiled)


def _loss(params: dict[str, Any]) -> Any:
    import keras

    config = {k: v for k, v in params.items() if k not in ("name", "slot")}
    if not config:
        return params["name"]
    return keras.losses.get({"class_name": params["name"], "config": config})


# Data changes: (applier, params, fit arguments) -> None, arguments changed in place.
def copy_batches(applier: Applier, params: dict, arguments: Arguments) -> None:
    import inspect

    import keras

    x = arguments.get("x")
    if isinstance(x, keras.utils.PyDataset):
        arguments["x"] = _copying_dataset(x)
    elif inspect.isgenerator(x) or hasattr(x, "__next__"):
        arguments["x"] = _copying_generator(x)
    else:
        raise ValueError(f"no batches to copy in {type(x).__name__} data")


def standardise_targets(applier: Applier, params: dict, arguments: Arguments) -> None:
    mean, std = float(params["mean"]), float(params["std"])
    y = arguments.get("y")
    if y is None:
        raise ValueError("targets given inside the dataset cannot be standardised from outside")
    arguments["y"] = (np.asarray(y, dtype=np.float32) - mean) / std
    validation = arguments.get("validation_data")
    if isinstance(validation, tuple) and len(validation) >= 2:
        arguments["validation_data"] = (validation[0], (np.asarray(validation[1], np.float32) - mean) / std,
                                        *validation[2:])
    applier.target_transform = (mean, std)


def shuffle_before_split(applier: Applier, params: dict, arguments: Arguments) -> None:
    import keras

    order = np.random.default_rng(int(params.get("seed", 0))).permutation(len(keras.tree.flatten(arguments["x"])[0]))
    for name in ("x", "y", "sample_weight"):
        if arguments.get(name) is not None:
            arguments[name] = keras.tree.map_structure(lambda a: np.asarray(a)[order], arguments[name])


DATA: dict[str, Callable[[Applier, dict, Arguments], None]] = {
    "copy_batches": copy_batches, "standardise_targets": standardise_targets,
    "shuffle_before_split": shuffle_before_split,
}


# Model changes: (model, params, fit arguments) -> the model to train.
def reshape_output(model: Any, params: dict, arguments: Arguments) -> Any:
    import keras

    shape = tuple(params["shape"])
    return _wrap(model, lambda outputs: [keras.layers.Reshape(shape or (1,), name="repaired_reshape")(outputs[0]),
                                          *outputs[1:]])


def output_activation(model: Any, params: dict, arguments: Arguments) -> Any:
    import keras

    layer = _layer(model, params["layer"]) if params.get("layer") else output_layer(model)
    layer.activation = keras.activations.get(params["activation"])
    return model


def output_units(model: Any, params: dict, arguments: Arguments) -> Any:
    """The output layer replaced by a Dense layer of `units` units with `activation`, fed by
    what fed it: one unit per class where the output had too few. A new model that shares
    every other layer and weight of the user's."""
    import keras

    layer = _layer(model, params["layer"]) if params.get("layer") else output_layer(model)
    outputs = model.outputs if getattr(model, "inputs", None) else None
    if not outputs or len(outputs) != 1 or outputs[0]._keras_history.operation is not layer:
        raise ValueError(f"layer {layer.name!r} is not the model's only output layer, whose units "
                         "this repair replaces")
    replaced = keras.layers.Dense(params["units"], activation=params["activation"], name=f"{layer.name}_repaired")
    inputs = model.inputs
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, replaced(layer.input), name=f"{model.name}_repaired")


def layer_activation(model: Any, params: dict, arguments: Arguments) -> Any:
    import keras

    _layer(model, params["layer"]).activation = keras.activations.get(params["activation"])
    return model


def initialise(model: Any, params: dict, arguments: Arguments) -> Any:
    """New initial weights for one layer: its kernel from `kernel_initializer`, its bias set
    to `bias` (a number or a list), drawn from the script's own seeded RNG."""
    import keras

    layer = _layer(model, params["layer"]) if params.get("layer") else output_layer(model)
    kernel = getattr(layer, "kernel", None)
    if params.get("kernel_initializer") and kernel is not None:
        initializer = keras.initializers.get(params["kernel_initializer"])
        kernel.assign(initializer(tuple(kernel.shape), dtype=kernel.dtype))
    bias = getattr(layer, "bias", None)
    if "bias" in params and bias is not None:
        bias.assign(np.broadcast_to(np.asarray(params["bias"], dtype=np.float32), tuple(bias.shape)))
    return model


def normalise_inputs(model: Any, params: dict, arguments: Arguments) -> Any:
    """A Normalization layer in front of input `input`, adapted on the training inputs."""
    import keras

    from fitdoctor.data import describe

    index = int(params.get("input", 0))
    sample = describe(dict(arguments)).sample
    if sample is None:
        raise ValueError("no training inputs to adapt a Normalization layer on")
    shape = tuple(model.inputs[index].shape[1:])
    values = np.asarray(keras.tree.flatten(sample.x)[index], dtype=np.float32).reshape((-1, *shape))
    norm = keras.layers.Normalization(axis=-1, name=f"repaired_normalization_{index}")
    norm.adapt(values)

    def normalise(inputs: list[Any]) -> list[Any]:
        return [norm(t) if i == index else t for i, t in enumerate(inputs)]

    return _wrap(model, lambda outputs: outputs, normalise)


# Model changes that return a new model around the user's (the others change it in place).
WRAPPERS = ("reshape_output", "normalise_inputs")
MODEL: dict[str, Callable[[Any, dict, Arguments], Any]] = {
    "reshape_output": reshape_output, "output_activation": output_activation,
    "layer_activation": layer_activation, "initialise": initialise, "normalise_inputs": normalise_inputs,
    "output_units": output_units,
}


# fit() changes: (applier, params, fit arguments) -> None.
def set_argument(applier: Applier, params: dict, arguments: Arguments) -> None:
    value = params["value"]
    if params["name"] == "class_weight":
        value = {int(k): float(v) for k, v in value.items()}
    arguments[params["name"]] = value


def extend_budget(applier: Applier, params: dict, arguments: Arguments) -> None:
    """`factor` times the epochs of every fit() of the run, stopped once the training loss has
    converged (see `_converged`), so the trial measures how many steps the run needs."""
    start = int(arguments.get("initial_epoch") or 0)
    epochs = int(arguments.get("epochs") or 1) - start
    arguments["epochs"] = start + max(1, math.ceil(epochs * float(params["factor"])))
    arguments["callbacks"] = [*(arguments.get("callbacks") or []),
                              _converged(applier, int(params.get("patience", 10)),
                                         float(params.get("tolerance", 1e-3)))]


def _converged(applier: Applier, patience: int, tolerance: float) -> Any:
    """A callback that stops the run (across its fit() calls) once the best loss of its last
    window of epochs, a quarter of the run and at least `patience` epochs, is no lower by
    `tolerance` (relative) than the best before it: an oscillating Adam run that still
    descends is not stopped, a run at its floor is. A loss that is no longer finite, or
    exactly zero, stops it at once."""
    import keras

    class Converged(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            loss = float((logs or {}).get("loss", math.nan))
            losses = applier.epoch_losses
            losses.append(loss)
            window = max(patience, len(losses) // 4)
            stalled = len(losses) > window and min(losses[-window:]) > min(losses[:-window]) * (1 - tolerance)
            if not math.isfinite(loss) or loss == 0.0 or stalled:
                self.model.stop_training = True
                applier.converged = True

    return Converged()


FIT: dict[str, Callable[[Applier, dict, Arguments], None]] = {
    "argument": set_argument, "budget": extend_budget,
}
