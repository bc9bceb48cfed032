"""A linear-regression model written as a subclassed Keras model (one Dense unit, zero-initialised kernel) with its own train_step, as taught in a course on custom training loops. With `self.compiled_loss` in train_step it fits the simulated data perfectly; replacing that line by a hand-written `mse(y, prediction)` (the same formula that works as a compiled loss) leaves the loss stuck near the targets' variance and the slope far from the true one. The targets arrive with shape (batch,) and the prediction is (batch, 1): `y - prediction` broadcasts to (batch, batch) inside train_step, so every prediction is pulled toward every target of its batch and the best the model can do is the batch mean; the compiled loss reshapes the targets first, the hand-written one does not (the thread's answer).

Measured here (TensorFlow CPU): after 20 epochs the true mean squared error is 4.82 against a target variance of 5.17 and the kernel is (0.07, -0.04, 0.02) for a true (2, -1, 0.5); the fixed twin reaches 0.010.

Source: https://discuss.tensorflow.org/t/potential-issue-difference-in-behavior-between-loss-function-and-model-compiled-loss/19359
Causes: FD201
"""
import numpy as np
import tensorflow as tf

import keras

keras.utils.set_random_seed(19)
rng = np.random.default_rng(19)

n, d = 1024, 3
x = rng.normal(size=(n, d)).astype("float32")
true_w = np.array([2.0, -1.0, 0.5], dtype="float32")
y = (x @ true_w + 0.3 + 0.1 * rng.normal(size=n)).astype("float32")  # shape (n,)


def mse(y_true, y_pred):
    return tf.reduce_mean(tf.math.square(y_true - y_pred))


class LinearRegression(keras.Model):
    def __init__(self):
        super().__init__()
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def build(self, input_shape):
        self.layer = keras.layers.Dense(1, kernel_initializer="zeros")

    def call(self, input_data, training=None):
        return self.layer(input_data)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            prediction = self(x, training=True)
            loss = mse(y, prediction)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


model = LinearRegression()
model.compile(optimizer=keras.optimizers.SGD(0.05))
hist = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
pred = model.predict(x, verbose=0)[:, 0]
true_mse = float(np.mean((pred - y) ** 2))
print("reported loss %.4f  true mse %.4f (target var %.3f)  kernel %s" % (
    hist.history["loss"][-1], true_mse, y.var(), np.round(model.layer.kernel.numpy()[:, 0], 3)))
