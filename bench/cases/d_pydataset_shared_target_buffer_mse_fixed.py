"""Fixed twin of d_pydataset_shared_target_buffer_mse.py: each batch's targets are returned as a new array (a copy of the slice) instead of being written into one array shared by all batches, so batches prepared ahead by the workers stay intact. The MLP now fits the regression (MSE far below the target variance).

Source: https://github.com/keras-team/keras/issues/8647
Causes: none
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

    def __len__(self):
        return N // self.batch_size

    def __getitem__(self, idx):
        sl = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        x = X[sl].copy()
        y = Y[sl].copy()  # a new target array per batch
        return x, y


model = keras.Sequential(
    [keras.Input((F,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(Batches(), epochs=8, verbose=2)
pred = model.predict(X, verbose=0)
print("final train loss %.4f  true mse %.4f  target variance %.4f" % (
    hist.history["loss"][-1], np.mean((pred - Y) ** 2), Y.var()))
