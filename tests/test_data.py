"""Looking at training data without taking it away from training."""

import itertools
import random

import keras
import numpy as np

from fitdoctor.data import describe


def _counting_generator(fresh=True):
    buffer = np.zeros((4, 2))
    for step in itertools.count():
        x = np.zeros((4, 2)) if fresh else buffer
        x[:] = step
        yield x, np.full((4, 1), float(step))


def test_generator_batches_read_are_replayed_in_order():
    data = describe({"x": _counting_generator(), "steps_per_epoch": 10})
    replayed = [int(x[0, 0]) for x, _ in itertools.islice(data.fit_x, 5)]
    assert replayed == [0, 1, 2, 3, 4]
    assert data.sample.size == 8 and data.aliasing.overwritten == []


def test_generator_reusing_its_buffer_is_caught_and_replayed_as_returned():
    data = describe({"x": _counting_generator(fresh=False), "steps_per_epoch": 10})
    assert data.aliasing.overwritten == ["inputs"] and not data.aliasing.prefetching
    # What training sees for the batches fitdoctor read is what the generator returned then.
    first, second = itertools.islice(data.fit_x, 2)
    assert first[0][0, 0] == 0 and second[0][0, 0] == 1


class _Refilling(keras.utils.PyDataset):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.x = np.zeros((8, 2))

    def __len__(self):
        return 5

    def __getitem__(self, index):
        self.x[:] = np.random.randint(0, 100, size=(8, 2))
        return self.x, self.x.mean(axis=1, keepdims=True)


def test_py_dataset_is_read_without_moving_the_global_rngs():
    numpy_state, python_state = np.random.get_state()[1].copy(), random.getstate()
    data = describe({"x": _Refilling(workers=4)})
    assert np.array_equal(np.random.get_state()[1], numpy_state) and random.getstate() == python_state
    assert data.aliasing.overwritten == ["inputs"] and data.aliasing.prefetching
    assert data.steps_per_epoch == 5


def test_arrays_in_lists_and_dicts_are_sampled_evenly():
    x = {"a": np.arange(3000.0)[:, None], "b": np.ones((3000, 2))}
    data = describe({"x": x, "y": np.arange(3000.0), "batch_size": 100, "validation_split": 0.1})
    assert data.n_samples == 2700 and data.steps_per_epoch == 27
    assert data.sample.x["a"].max() == 2699 and data.sample.x["a"].min() == 0
    assert data.sample.size == 1024


def test_tf_dataset_is_sampled_by_iterating_it():
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((np.ones((100, 3)), np.zeros(100))).batch(10)
    data = describe({"x": dataset})
    assert data.kind == "tf.data" and data.steps_per_epoch == 10 and data.sample.size == 40
