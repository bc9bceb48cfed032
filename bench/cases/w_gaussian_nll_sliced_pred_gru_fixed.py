"""Fixed twin of w_gaussian_nll_sliced_pred_gru.py: the hand-written Gaussian negative log-likelihood keeps the sliced mean and log-variance as (batch, 1) columns (y_pred[:, 0:1], y_pred[:, 1:2]), matching y_true's shape, so each forecast is scored only against its own target. The GRU now forecasts the series (mean-forecast MSE well below the series variance).

Source: https://github.com/tensorflow/tensorflow/issues/52115
Causes: none
"""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(131)

L, W = 4000, 24
t = np.arange(L + W + 1)
series = (np.sin(0.09 * t) + 0.4 * np.sin(0.23 * t) + np.random.normal(0, 0.15, len(t))).astype("float32")
x = np.stack([series[k:k + W] for k in range(L)])[..., None]
y = series[W:W + L].reshape(-1, 1)


def gaussian_nll(y_true, y_pred):
    mu = y_pred[:, 0:1]
    log_var = y_pred[:, 1:2]
    return ops.mean(0.5 * log_var + 0.5 * ops.square(y_true - mu) / ops.exp(log_var))


model = keras.Sequential([keras.Input((W, 1)), layers.GRU(16), layers.Dense(2)])
model.compile(optimizer="adam", loss=gaussian_nll)
hist = model.fit(x, y, epochs=5, batch_size=64, verbose=2)
mu = model.predict(x, verbose=0)[:, 0]
print("final loss %.4f  mse of mean forecast %.4f  series variance %.4f" % (
    hist.history["loss"][-1], np.mean((mu - y[:, 0]) ** 2), y.var()))
