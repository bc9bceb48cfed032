"""Fixed twin of w_compute_loss_label_rank_broadcast.py: the hand-written loss in compute_loss reshapes the (batch,) targets to (batch, 1) before subtracting, as in the answer (`y = y[:, None]`), so each prediction is compared only with its own target. The subclassed regressor on the diabetes features now fits the data (R2 well above 0).

Source: https://github.com/tensorflow/tensorflow/issues/28901
Causes: none
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
        y = ops.reshape(y, (-1, 1))  # match y_pred's (batch, 1)
        return ops.mean(ops.square(y - y_pred))


model = Regressor()
model.compile(optimizer=keras.optimizers.Adam(3e-3))
hist = model.fit(x, y, epochs=40, batch_size=32, verbose=0)
pred = model.predict(x, verbose=0)[:, 0]
mse = float(np.mean((pred - y) ** 2))
print("reported loss %.4f  true mse %.4f  R2 %.3f  pred std %.3f" % (
    hist.history["loss"][-1], mse, 1 - mse / y.var(), pred.std()))
