"""The training data of a `fit()` call, looked at without taking it away from training.

Arrays are sampled in place. A Python generator's batches that fitdoctor reads are kept (as
copies of what the generator returned at the time) and replayed to `fit` before the rest of
the generator, so training sees exactly the batches it would have seen. A `PyDataset` is
read by index with the global RNGs restored afterwards, so reading costs the run nothing.
"""

from __future__ import annotations

import copy
import inspect
import math
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

# Upper bound on the samples the probes look at; evidence states the number actually used.
SAMPLE_CAP = 1024
# Batches read from a generator / PyDataset / tf.data pipeline for the sample.
MAX_BATCHES = 4


@dataclass
class Batch:
    """Nested NumPy structures of inputs, targets and sample weights, `size` samples long."""

    x: Any
    y: Any
    sample_weight: Any = None

    @property
    def size(self) -> int:
        return int(len(_leaves(self.x)[0]))

    def take(self, count: int) -> "Batch":
        return self.select(slice(0, count))

    def select(self, index: Any) -> "Batch":
        """The samples at `index` (a slice or an array of positions)."""
        return Batch(*(_slice(part, index) for part in (self.x, self.y, self.sample_weight)))

    def spread(self, count: int) -> "Batch":
        """`count` samples evenly spread over this batch: a deterministic subset that
        represents data ordered by label or time without drawing from any RNG. Always a copy,
        never a view of the user's arrays."""
        count = min(count, self.size)
        return self.select(np.unique(np.linspace(0, self.size - 1, count).round().astype(int)))

    @staticmethod
    def concatenate(batches: list["Batch"]) -> "Batch":
        """The samples of `batches`, one after another."""
        import keras

        def join(parts: list[Any]) -> Any:
            if parts[0] is None:
                return None
            return keras.tree.map_structure(lambda *a: np.concatenate([np.asarray(v) for v in a]), *parts)

        return Batch(*(join([getattr(b, part) for b in batches]) for part in ("x", "y", "sample_weight")))

    def target_leaves(self) -> list[np.ndarray]:
        return _leaves(self.y)

    def input_leaves(self) -> list[np.ndarray]:
        return _leaves(self.x)


@dataclass
class AliasingProbe:
    """What happened to batch k's arrays when batch k+1 was drawn."""

    overwritten: list[str]  # e.g. ["x[0]", "y"], the parts of batch k that changed
    prefetching: bool
    producer: str  # "generator" or "PyDataset(workers=4)"


@dataclass
class DataSource:
    kind: str  # "arrays", "tf.data", "generator", "PyDataset", "other"
    sample: Batch | None
    n_samples: int | None
    batch_size: int | None
    steps_per_epoch: int | None
    full_targets: Any = None
    # The sample weights fit() got for `full_targets` (arrays only; a pipeline's are in `sample`).
    full_sample_weight: Any = None
    aliasing: AliasingProbe | None = None
    fit_x: Any = None  # what to hand to the real fit() in place of x


def _leaves(structure: Any) -> list[np.ndarray]:
    import keras

    if structure is None:
        return []
    return [np.asarray(leaf) for leaf in keras.tree.flatten(structure)]


def _slice(structure: Any, index: Any) -> Any:
    import keras

    if structure is None:
        return None
    return keras.tree.map_structure(lambda a: np.asarray(a)[index], structure)


def _to_numpy(structure: Any) -> Any:
    import keras

    if structure is None:
        return None
    return keras.tree.map_structure(lambda a: np.array(keras.ops.convert_to_numpy(a)), structure)


def _unpack(batch: Any) -> tuple[Any, Any, Any]:
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
    return batch, None, None


def _concat(batches: list[tuple[Any, Any, Any]]) -> Batch:
    return Batch.concatenate([Batch(*batch) for batch in batches])


def describe(fit_args: dict[str, Any]) -> DataSource:
    """Look at the data of one `fit()` call (keyword form) and return what the checks need."""
    x = fit_args.get("x")
    if _is_arrays(x):
        return _from_arrays(fit_args)
    if _is_tf_dataset(x):
        return _from_tf_dataset(x, steps_per_epoch(fit_args))
    if _is_py_dataset(x):
        return _from_py_dataset(x, steps_per_epoch(fit_args))
    if inspect.isgenerator(x) or isinstance(x, Iterator):
        return _from_generator(x, steps_per_epoch(fit_args))
    return DataSource("other", None, None, None, steps_per_epoch(fit_args))


def steps_per_epoch(fit_args: dict[str, Any]) -> int | None:
    """The optimizer steps one epoch of this fit() call makes, or None when unknown."""
    x, given = fit_args.get("x"), fit_args.get("steps_per_epoch")
    if given:
        return int(given)
    if _is_arrays(x):
        n = len(_leaves(x)[0])
        split = float(fit_args.get("validation_split") or 0.0)
        n_train = int(math.floor(n * (1.0 - split))) if split else n
        return math.ceil(n_train / int(fit_args.get("batch_size") or 32))
    if _is_py_dataset(x):
        return x.num_batches
    if _is_tf_dataset(x):
        cardinality = int(x.cardinality().numpy())
        return cardinality if cardinality >= 0 else None
    return None


def _is_arrays(x: Any) -> bool:
    from keras.src.trainers.data_adapters import array_data_adapter

    return x is not None and array_data_adapter.can_convert_arrays((x,))


def _is_tf_dataset(x: Any) -> bool:
    return any(parent.__name__ in ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction")
               and parent.__module__.startswith("tensorflow.") for parent in type(x).__mro__)


def _is_py_dataset(x: Any) -> bool:
    import keras

    return isinstance(x, keras.utils.PyDataset)


def _from_arrays(fit_args: dict[str, Any]) -> DataSource:
    x, y, sw = fit_args.get("x"), fit_args.get("y"), fit_args.get("sample_weight")
    n = len(_leaves(x)[0])
    split = float(fit_args.get("validation_split") or 0.0)
    n_train = int(math.floor(n * (1.0 - split))) if split else n
    batch_size = int(fit_args.get("batch_size") or 32)
    sample = Batch(x, y, sw).take(n_train).spread(SAMPLE_CAP)
    return DataSource("arrays", sample, n_train, min(batch_size, n_train), steps_per_epoch(fit_args),
                      full_targets=_slice(y, slice(0, n_train)),
                      full_sample_weight=None if sw is None else _slice(sw, slice(0, n_train)), fit_x=x)


def _unshared_copy(dataset: Any) -> Any:
    """The same pipeline rebuilt from its graph, with a seed generator of its own for each
    reshuffling `shuffle`. Iterating `dataset` itself would advance its shuffle's seed
    generator, so fit()'s first epoch would see the order of the second; the copy starts
    from the same seeds and leaves the user's dataset untouched. The dataset itself when
    it cannot be rebuilt (no graph, or one over protobuf's size limit)."""
    try:
        import tensorflow as tf
        from tensorflow.python.data.ops import dataset_ops
        from tensorflow.python.ops import gen_dataset_ops, gen_experimental_dataset_ops

        serialized = gen_dataset_ops.dataset_to_graph(dataset._variant_tensor, allow_stateful=True,
                                                      strip_device_assignment=True)
        graph = tf.compat.v1.GraphDef.FromString(serialized.numpy())
        nodes = {node.name: node for node in graph.node}
        for node in graph.node:
            seed_input = {"ShuffleDatasetV3": 4, "ShuffleAndRepeatDatasetV2": 5}.get(node.op)
            if seed_input is not None and len(node.input) > seed_input:
                generator = nodes[node.input[seed_input].split(":")[0].lstrip("^")]
                generator.op = "DummySeedGenerator"  # the kernel then creates one of its own
                generator.ClearField("attr")
        variant = gen_experimental_dataset_ops.dataset_from_graph(graph.SerializeToString())
        return dataset_ops.from_variant(variant, dataset.element_spec)
    except Exception:  # noqa: BLE001 - fall back to reading the user's dataset
        return dataset


def _from_tf_dataset(dataset: Any, steps: int | None) -> DataSource:
    batches = [tuple(_to_numpy(part) for part in _unpack(element))
               for element in _unshared_copy(dataset).take(MAX_BATCHES)]
    sample = _concat(batches).take(SAMPLE_CAP) if batches else None
    batch_size = len(_leaves(batches[0][0])[0]) if batches else None
    return DataSource("tf.data", sample, None, batch_size, steps, full_targets=sample.y if sample else None,
                      fit_x=dataset)


def _rng_states() -> tuple[Any, ...]:
    from fitdoctor.probes import rng

    return rng.save()


def _restore_rng(states: tuple[Any, ...]) -> None:
    from fitdoctor.probes import rng

    rng.restore(states)


def _from_py_dataset(dataset: Any, steps: int | None) -> DataSource:
    length = dataset.num_batches
    states = _rng_states()
    try:
        count = MAX_BATCHES if length is None else min(MAX_BATCHES, length)
        raw = []
        copies = []
        overwritten: list[str] = []
        for index in range(count):
            batch = dataset[index]
            if raw:
                overwritten = overwritten or _changed_parts(raw[-1], copies[-1])
            raw.append(batch)
            copies.append(copy.deepcopy(batch))
    finally:
        _restore_rng(states)
    threaded = dataset.workers > 1 and not dataset.use_multiprocessing
    producer = f"PyDataset(workers={dataset.workers}" + (", use_multiprocessing=True)" if dataset.use_multiprocessing else ")")
    aliasing = AliasingProbe(overwritten, threaded, producer) if len(raw) > 1 else None
    batches = [_unpack(_to_numpy(b)) for b in copies]
    sample = _concat(batches).take(SAMPLE_CAP)
    return DataSource("PyDataset", sample, None, sample.size // len(batches) if batches else None,
                      steps, full_targets=sample.y, aliasing=aliasing, fit_x=dataset)


def _from_generator(generator: Iterator, steps_per_epoch: int | None) -> DataSource:
    copies = []
    overwritten: list[str] = []
    previous = None
    for _ in range(2):
        try:
            batch = next(generator)
        except StopIteration:
            break
        if previous is not None:
            overwritten = _changed_parts(previous, copies[-1])
        previous = batch
        copies.append(copy.deepcopy(batch))
    aliasing = AliasingProbe(overwritten, False, "generator") if len(copies) > 1 else None
    batches = [_unpack(_to_numpy(b)) for b in copies]
    sample = _concat(batches).take(SAMPLE_CAP) if batches else None
    return DataSource("generator", sample, None, sample.size // len(batches) if batches else None,
                      steps_per_epoch, full_targets=sample.y if sample else None,
                      aliasing=aliasing, fit_x=_replay(copies, generator))


def _replay(read: list[Any], rest: Iterator) -> Iterator:
    """The batches fitdoctor already read, then the rest of the generator (Keras accepts only
    a real generator object, not any iterator)."""
    yield from read
    yield from rest


def _changed_parts(batch: Any, snapshot: Any) -> list[str]:
    """Names of the arrays of `batch` whose contents differ from `snapshot` taken when it was
    returned."""
    import keras

    x, y, sw = _unpack(batch)
    sx, sy, ssw = _unpack(snapshot)
    changed = []
    for label, now, then in (("inputs", x, sx), ("targets", y, sy), ("sample weights", sw, ssw)):
        if now is None:
            continue
        for position, (a, b) in enumerate(zip(keras.tree.flatten(now), keras.tree.flatten(then))):
            if isinstance(a, np.ndarray) and not np.array_equal(a, np.asarray(b), equal_nan=True):
                changed.append(label if len(keras.tree.flatten(now)) == 1 else f"{label}[{position}]")
    return changed
