"""Two models with a custom `train_step` (TensorFlow): one minimises its compiled loss
through `compute_loss`, the other was compiled without a loss and computes its own, reports
it through a metric tracker, and has BatchNormalization and Dropout (state fitdoctor's
train_step probe must put back). Saves the final weights, optimizer variables and the
tracker's state to sys.argv[1] when given."""
import sys

import keras
import numpy as np
import tensorflow as tf


class ComputeLossStep(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        return {"loss": loss}


class OwnLossStep(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(self(x, training=True) - y))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}


def build(cls, normalised=False):
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    if normalised:
        hidden = keras.layers.Dropout(0.2)(keras.layers.BatchNormalization()(hidden))
    return cls(inputs, keras.layers.Dense(1)(hidden))


keras.utils.set_random_seed(9)
x = np.random.default_rng(0).standard_normal((256, 4)).astype("float32")
y = (x[:, :1] * 2 - x[:, 1:2]).astype("float32")
first = build(ComputeLossStep)
first.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
first.fit(x, y, batch_size=32, epochs=4, verbose=0)
second = build(OwnLossStep, normalised=True)
second.compile(optimizer=keras.optimizers.SGD(0.05))
second.fit(x, y, batch_size=32, epochs=4, verbose=0)
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *first.get_weights(), *second.get_weights(),
             *[v.numpy() for v in second.optimizer.variables], *[v.numpy() for v in second.metrics_variables])
