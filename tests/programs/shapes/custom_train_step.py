"""Two models with a custom `train_step` (TensorFlow): one minimises its compiled loss
through `compute_loss`, the other was compiled without a loss and computes its own.
Saves the final weights to sys.argv[1] when given."""
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
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(self(x, training=True) - y))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        return {"loss": loss}


def build(cls):
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    return cls(inputs, keras.layers.Dense(1)(hidden))


keras.utils.set_random_seed(9)
x = np.random.default_rng(0).standard_normal((256, 4)).astype("float32")
y = (x[:, :1] * 2 - x[:, 1:2]).astype("float32")
first = build(ComputeLossStep)
first.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
first.fit(x, y, batch_size=32, epochs=4, verbose=0)
second = build(OwnLossStep)
second.compile(optimizer=keras.optimizers.SGD(0.05))
second.fit(x, y, batch_size=32, epochs=4, verbose=0)
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *first.get_weights(), *second.get_weights())
