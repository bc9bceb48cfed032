"""A GRU forecasts the next value of a noisy series together with its uncertainty: the last Dense layer has two units (mean and log-variance) and a hand-written Gaussian negative log-likelihood slices them as y_pred[:, 0] and y_pred[:, 1]. The loss decreases a little and then flattens; the predicted mean barely follows the series. The slices have shape (batch,) while y_true keeps shape (batch, 1), so `y_true - mu` broadcasts to (batch, batch) and each forecast is scored against every target in the batch; the Keras loss wrapper only reconciles y_true with the full (batch, 2) prediction, not with what the function slices out of it.

Source: https://github.com/tensorflow/tensorflow/issues/52115
Causes: FD201
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
    mu = y_pred[:, 0]
    log_var = y_pred[:, 1]
    return ops.mean(0.5 * log_var + 0.5 * ops.square(y_true - mu) / ops.exp(log_var))


model = keras.Sequential([keras.Input((W, 1)), layers.GRU(16), layers.Dense(2)])
model.compile(optimizer="adam", loss=gaussian_nll)
hist = model.fit(x, y, epochs=5, batch_size=64, verbose=2)
mu = model.predict(x, verbose=0)[:, 0]
print("final loss %.4f  mse of mean forecast %.4f  series variance %.4f" % (
    hist.history["loss"][-1], np.mean((mu - y[:, 0]) ** 2), y.var()))
