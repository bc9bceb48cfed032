"""Fixed twin of d_pydataset_window_buffer_gru.py: every batch of windows is cut into a newly allocated array (the answer's fix: create a new array, or .copy(), per batch), so the batches that the three workers prepare ahead are never overwritten. The GRU now forecasts the next value of the oscillation.

Source: https://github.com/Cognexa/cxflow/issues/218
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(113)

L, W = 6000, 30
t = np.arange(L + W + 1)
series = (np.sin(0.07 * t) + 0.5 * np.sin(0.31 * t) + np.random.normal(0, 0.1, len(t))).astype("float32")


class Windows(keras.utils.PyDataset):
    def __init__(self, batch_size=64, **kwargs):
        super().__init__(workers=3, **kwargs)
        self.batch_size = batch_size
        self.starts = np.random.permutation(L)

    def __len__(self):
        return L // self.batch_size

    def __getitem__(self, idx):
        s = self.starts[idx * self.batch_size:(idx + 1) * self.batch_size]
        win = np.zeros((len(s), W, 1), dtype="float32")  # a new array per batch
        for j, k in enumerate(s):
            win[j, :, 0] = series[k:k + W]
        return win, series[s + W].reshape(-1, 1)


model = keras.Sequential([keras.Input((W, 1)), layers.GRU(16), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
hist = model.fit(Windows(), epochs=4, verbose=2)
idx = np.arange(0, L, 7)
xs = np.stack([series[k:k + W] for k in idx])[..., None]
pred = model.predict(xs, verbose=0)[:, 0]
print("final train loss %.4f  true mse %.4f  series variance %.4f" % (
    hist.history["loss"][-1], np.mean((pred - series[idx + W]) ** 2), series.var()))
