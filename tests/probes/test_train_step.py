"""The train_step probe reports the loss the user's own step computes, for that batch alone,
and leaves the model exactly as it was (TensorFlow: the step is written with GradientTape;
the FD201 fixtures run the same probe through each backend's own kind of step)."""

import keras
import numpy as np
import pytest

from fitdoctor.data import Batch
from fitdoctor.probes.train_step import TrainStepLoss, overrides_train_step

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the train_step is written with tf.GradientTape")


def _model(logs):
    import tensorflow as tf

    class OwnStep(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.tracker = keras.metrics.Mean(name="loss")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                error = self(x, training=True) - y
                loss = tf.reduce_mean(tf.square(error))
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            self.tracker.update_state(loss)
            return logs(self.tracker.result(), tf.reduce_mean(tf.abs(error)))

    inputs = keras.Input((4,))
    hidden = keras.layers.BatchNormalization()(keras.layers.Dense(8)(inputs))
    model = OwnStep(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9))
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype("float32")
    return x, (x[:, :1] - x[:, 1:2]).astype("float32")


def _state(model):
    return [np.array(keras.ops.convert_to_numpy(v.value))
            for v in [*model.variables, *model.optimizer.variables, *model.metrics_variables]]


def test_the_loss_of_each_batch_alone_and_nothing_changes():
    keras.utils.set_random_seed(0)
    model = _model(lambda loss, _: {"loss": loss})
    x, y = _data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # optimizer slots, BN statistics, tracker
    assert overrides_train_step(model) and not overrides_train_step(keras.Sequential())
    before = _state(model)
    probe = TrainStepLoss(model)
    first = probe.loss(Batch(x[:8], y[:8], None))
    # The batch's own loss (not the tracker's running mean), with BatchNorm normalising by its
    # moving statistics, as in inference.
    expected = keras.ops.mean(keras.ops.square(model(x[:8], training=False) - y[:8]))
    assert first == pytest.approx(float(expected), rel=1e-6)
    assert probe.loss(Batch(x[8:16], y[8:16], None)) != first
    assert all(np.array_equal(a, b) for a, b in zip(before, _state(model)))


def test_a_step_that_reports_two_losses_is_not_read():
    model = _model(lambda _, mae: {"d_loss": mae, "g_loss": mae})
    x, y = _data()
    with pytest.raises(ValueError, match="no single loss"):
        TrainStepLoss(model).loss(Batch(x[:8], y[:8], None))
