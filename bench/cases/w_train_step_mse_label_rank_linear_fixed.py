"""Fixed twin of w_train_step_mse_label_rank_linear.py: train_step reshapes the (batch,) targets to the prediction's (batch, 1) before the hand-written mean squared error, which is what `compiled_loss` did for the author (the thread's answer), so each prediction is compared with its own target only. The linear model recovers the true slope and the loss falls to the noise level.

Measured here (TensorFlow CPU): true mean squared error 0.010 (target variance 5.17), kernel (2.00, -1.00, 0.51).

Source: https://discuss.tensorflow.org/t/potential-issue-difference-in-behavior-between-loss-function-and-model-compiled-loss/19359
Causes: none
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
            loss = mse(tf.reshape(y, tf.shape(prediction)), prediction)
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
