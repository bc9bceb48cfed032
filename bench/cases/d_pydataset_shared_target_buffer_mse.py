"""An MLP regression is trained from a keras.utils.PyDataset that builds fresh input arrays but writes the targets of every batch into one array it allocated once and returns each time. The reported MSE stays near the variance of the target and the fit is poor, although max_queue_size=1 (in the Keras 2 original) made the problem disappear. With a queue and several workers, batches are prepared ahead, so the target array of a queued batch is overwritten by later batches before the step uses it: inputs are paired with another batch's targets.

Source: https://github.com/keras-team/keras/issues/8647
Causes: FD105
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(109)

N, F = 4096, 8
X = np.random.normal(0, 1, (N, F)).astype("float32")
Y = (np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] - 0.3 * X[:, 3]).astype("float32").reshape(-1, 1)


class Batches(keras.utils.PyDataset):
    def __init__(self, batch_size=64, **kwargs):
        super().__init__(workers=4, max_queue_size=10, **kwargs)
        self.batch_size = batch_size
        self.y_out = np.zeros((batch_size, 1), dtype="float32")  # reused for every batch

    def __len__(self):
        return N // self.batch_size

    def __getitem__(self, idx):
        sl = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        x = X[sl].copy()
        self.y_out[:] = Y[sl]
        return x, self.y_out


model = keras.Sequential(
    [keras.Input((F,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(Batches(), epochs=8, verbose=2)
pred = model.predict(X, verbose=0)
print("final train loss %.4f  true mse %.4f  target variance %.4f" % (
    hist.history["loss"][-1], np.mean((pred - Y) ** 2), Y.var()))
