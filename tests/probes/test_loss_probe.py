"""The loss probe against naive references, and proof that it changes nothing."""

import random

import keras
import numpy as np
import pytest

from fitdoctor.data import Batch
from fitdoctor.probes.loss import LossProbe, flatten

pytestmark = pytest.mark.backends


def _regression_model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = np.random.default_rng(1).standard_normal((32, 1)).astype("float32")
    return model, Batch(x, y)


def test_gradient_matches_finite_differences():
    model, batch = _regression_model()
    probe = LossProbe(model, batch)
    _, grads = probe.value_and_grad()
    gradient = flatten(grads)
    base = flatten(probe.params)
    eps = 1e-3
    for index in (0, 5, len(base) - 1):
        step = np.zeros_like(base)
        step[index] = eps
        plus = _loss_at(probe, base + step)
        minus = _loss_at(probe, base - step)
        assert gradient[index] == pytest.approx((plus - minus) / (2 * eps), rel=2e-2, abs=1e-4)


def _loss_at(probe, flat):
    return float(keras.ops.convert_to_numpy(probe.loss_of_weights(
        [keras.ops.convert_to_tensor(p) for p in probe.unflatten(flat)])))


def test_hessian_vector_product_matches_explicit_hessian():
    model, batch = _regression_model()
    probe = LossProbe(model, batch)
    n = probe.dimension
    columns = [probe.hvp(np.eye(n)[i]) for i in range(n)]
    hessian = np.stack(columns, axis=1)
    assert np.allclose(hessian, hessian.T, atol=1e-4)
    # Reference: finite differences of the autodiff gradient.
    base = flatten(probe.params)
    eps = 1e-3
    for index in (0, n // 2, n - 1):
        step = np.zeros(n)
        step[index] = eps
        plus = LossProbe(model, batch)
        plus.params = plus.unflatten(base + step)
        minus = LossProbe(model, batch)
        minus.params = minus.unflatten(base - step)
        reference = (flatten(plus.value_and_grad()[1]) - flatten(minus.value_and_grad()[1])) / (2 * eps)
        assert np.allclose(hessian[:, index], reference, rtol=5e-2, atol=5e-3)


def test_probing_changes_no_state():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dropout(0.5),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    x = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
    y = np.random.default_rng(1).standard_normal((64, 1)).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)  # optimizer and BatchNorm state exist and are non-trivial

    def snapshot():
        return ([np.array(v) for v in model.get_weights()],
                [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.optimizer.variables],
                [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.metrics_variables]
                + [np.array(keras.ops.convert_to_numpy(g.state.value))
                   for layer in model._flatten_layers() for g in getattr(layer, "_seed_generators", [])]
                + [np.array(keras.ops.convert_to_numpy(
                    keras.src.random.seed_generator.global_seed_generator().state.value))],
                random.getstate(), np.random.get_state()[1].copy())

    before = snapshot()
    x_before = x.copy()
    from fitdoctor import diagnose

    diagnose(model, x, y, batch_size=16, epochs=3)
    after = snapshot()
    for a, b in zip(before[0] + before[1] + before[2], after[0] + after[1] + after[2]):
        assert np.array_equal(a, b)
    assert before[3] == after[3]
    assert np.array_equal(before[4], after[4])
    assert np.array_equal(x, x_before)


def test_loss_includes_losses_added_in_the_forward_pass():
    """An `add_loss` endpoint's loss is part of the training loss, as fit computes it."""

    class Penalty(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(keras.ops.mean(keras.ops.square(inputs)))
            return inputs

    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    outputs = Penalty()(keras.layers.Dense(2)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd")
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    expected = float(np.mean(np.square(keras.ops.convert_to_numpy(model(x)))))
    assert LossProbe(model, Batch(x, None)).value() == pytest.approx(expected, rel=1e-5)
    assert model._losses_override == []


def test_short_run_records_each_steps_gradient_norm():
    """Loss w**2 (a bias-free unit on x = 1, target 0, from w = 3): SGD at 0.1 sees gradients
    2w = 6, then 4.8."""
    from fitdoctor.probes.short_run import minibatches, train_copy

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
        1, use_bias=False, kernel_initializer=keras.initializers.Constant(3.0))])
    model.compile(optimizer="sgd", loss="mse")
    batch = Batch(np.ones((8, 1), "float32"), np.zeros((8, 1), "float32"))
    run = train_copy(model, minibatches(batch, 8, 1), batch,
                     lambda: keras.optimizers.SGD(0.1), steps=2, seconds=60)
    assert run.losses == pytest.approx([9.0, 5.76], rel=1e-5)
    assert run.gradient_norms == pytest.approx([6.0, 4.8], rel=1e-5)
    assert model.get_weights()[0][0, 0] == 3.0


def test_short_runs_sharing_a_compiled_step_start_from_their_own_weights_and_optimizer():
    """Runs of one owner and batch shapes reuse one traced (TensorFlow) or jitted (JAX) step;
    each must still start from its own weights with a fresh optimizer at its own rate, as a
    run alone does."""
    from fitdoctor.probes.short_run import minibatches, train_copy

    model, batch = _regression_model()
    batches = minibatches(batch, 8, 4)
    start = [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.trainable_variables]
    moved = [w + 0.5 for w in start]

    def run(rate, weights, owner):
        return train_copy(model, batches, batch, lambda: keras.optimizers.Adam(rate), steps=6,
                          seconds=60, owner=owner, start=weights)

    alone = [run(rate, weights, None) for rate, weights in ((0.1, start), (0.01, moved), (0.1, start))]
    owner = object()
    shared = [run(rate, weights, owner) for rate, weights in ((0.1, start), (0.01, moved), (0.1, start))]
    for separate, reused in zip(alone, shared):
        assert reused.losses == pytest.approx(separate.losses, rel=1e-6)
        assert reused.final == pytest.approx(separate.final, rel=1e-6)
    assert alone[0].losses != alone[1].losses


def _stateful_model():
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input(batch_shape=(5, 3, 2)), keras.layers.LSTM(4, stateful=True),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model(np.ones((5, 3, 2), "float32"))  # a state of its own, as after some batches of fit()
    return model


def test_a_model_of_fixed_batch_size_is_probed_in_passes_of_its_size():
    from fitdoctor.probes.activations import record_layers

    model = _stateful_model()
    rng = np.random.default_rng(5)
    x = rng.standard_normal((12, 3, 2)).astype("float32")
    y = rng.standard_normal((12, 1)).astype("float32")
    state = [keras.ops.convert_to_numpy(v.value).copy() for v in model.non_trainable_variables]
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    # Three passes of 5 samples from the same state, the last filled up from the first samples.
    expected = np.concatenate([
        keras.ops.convert_to_numpy(model.stateless_call(trainable, non_trainable, x[np.arange(s, s + 5) % 12])[0])
        for s in (0, 5, 10)])[:12]

    probe = LossProbe(model, Batch(x, y), training=False)
    value, grads = probe.value_and_grad()
    records = record_layers(model, x)

    np.testing.assert_allclose(np.asarray(probe.predictions), expected, atol=1e-6)
    assert value == pytest.approx(float(np.mean((expected - y) ** 2)), rel=1e-5)
    assert all(np.isfinite(g).all() for g in grads) and all(np.abs(g).max() > 0 for g in grads)
    lstm = [record for record in records if isinstance(record.layer, keras.layers.LSTM)]
    assert len(lstm) == 1 and lstm[0].output_leaves[0].shape == (12, 4)
    assert lstm[0].input_shapes[0] == 12
    assert all(np.array_equal(before, keras.ops.convert_to_numpy(v.value))
               for before, v in zip(state, model.non_trainable_variables))
