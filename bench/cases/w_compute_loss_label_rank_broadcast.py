"""A subclassed regression model (diabetes progression from 10 clinical features) overrides compute_loss with a hand-written mean squared error, because the author wanted control over the loss. The loss plateaus near the variance of the target and the model ends up predicting roughly the same value for everyone. The targets arrive with shape (batch,) while the model outputs (batch, 1): the hand-written `square(y - y_pred)` broadcasts to (batch, batch), so every prediction is pulled toward every target in its batch and the best it can do is the batch mean.

Source: https://github.com/tensorflow/tensorflow/issues/28901
Causes: FD201
"""
import numpy as np
from sklearn.datasets import load_diabetes

import keras
from keras import layers, ops

keras.utils.set_random_seed(23)

data = load_diabetes()
x = data.data.astype("float32")
x = (x - x.mean(0)) / x.std(0)
y = data.target.astype("float32")
y = (y - y.mean()) / y.std()  # shape (442,)


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.h1 = layers.Dense(32, activation="relu")
        self.h2 = layers.Dense(16, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.h2(self.h1(inputs)))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return ops.mean(ops.square(y - y_pred))


model = Regressor()
model.compile(optimizer=keras.optimizers.Adam(3e-3))
hist = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
pred = model.predict(x, verbose=0)[:, 0]
mse = float(np.mean((pred - y) ** 2))
print("reported loss %.4f  true mse %.4f  R2 %.3f  pred std %.3f" % (
    hist.history["loss"][-1], mse, 1 - mse / y.var(), pred.std()))
