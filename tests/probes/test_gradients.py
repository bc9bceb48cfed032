"""Per-layer gradients: grouping by owning layer, call order, and norms against NumPy."""

import keras
import numpy as np
import pytest

from fitdoctor.data import Batch
from fitdoctor.probes.activations import record_layers
from fitdoctor.probes.gradients import group_by_layer, kernel_chain
from fitdoctor.probes.loss import LossProbe

pytestmark = pytest.mark.backends


def _nested_model():
    keras.utils.set_random_seed(5)
    base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                             keras.layers.Dense(5, activation="tanh")], name="base")
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, name="head")(base(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    y = np.random.default_rng(1).standard_normal((16, 1)).astype("float32")
    return model, Batch(x, y)


def test_groups_follow_call_order_and_cover_every_weight():
    model, batch = _nested_model()
    probe = LossProbe(model, batch)
    _, grads = probe.value_and_grad()
    groups = group_by_layer(model, probe.params, grads, record_layers(model, batch.x))
    names = [g.name for g in groups]
    assert names == [model.get_layer("base").layers[0].name,
                     model.get_layer("base").layers[1].name, "head"]
    indices = sorted(w.index for g in groups for w in g.weights)
    assert indices == list(range(len(model.trainable_variables)))
    for g in groups:
        for w in g.weights:
            assert w.path == model.trainable_variables[w.index].path
            np.testing.assert_array_equal(w.gradient, grads[w.index])


def test_a_cell_called_inside_its_layer_takes_the_layer_place():
    """JAX runs a recurrent cell inside `scan`, where its call is not recorded: its weights
    belong where the recurrent layer ran (input side), not after every recorded layer."""
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.SimpleRNN(4, name="rnn"),
                              keras.layers.Dense(1, name="head")])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 6, 3)).astype("float32")
    probe = LossProbe(model, Batch(x, np.zeros((8, 1), "float32")))
    _, grads = probe.value_and_grad()
    cell = model.get_layer("rnn").cell
    records = [r for r in record_layers(model, x) if r.layer is not cell]
    names = [g.name for g in group_by_layer(model, probe.params, grads, records)]
    assert names == [cell.name, "head"]


def test_kernel_norms_match_numpy():
    model, batch = _nested_model()
    probe = LossProbe(model, batch)
    _, grads = probe.value_and_grad()
    groups = group_by_layer(model, probe.params, grads, record_layers(model, batch.x))
    head = groups[-1]
    kernel = next(w for w in head.weights if w.is_kernel)
    expected = np.linalg.norm(np.asarray(grads[kernel.index], dtype=np.float64))
    assert head.kernel_grad_norm == pytest.approx(expected)
    assert head.kernel_grad_rms == pytest.approx(expected / np.sqrt(kernel.size))
    assert head.kernel_weight_norm == pytest.approx(
        np.linalg.norm(np.asarray(probe.params[kernel.index], dtype=np.float64)))
    assert [g.name for g in kernel_chain(groups)] == [g.name for g in groups]
