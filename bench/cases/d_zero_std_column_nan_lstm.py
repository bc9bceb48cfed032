"""An LSTM regresses a machine's load from windows of six sensor channels; each channel is standardised with its own mean and standard deviation before training. The loss is nan from the first epoch on and the model's predictions are nan: one sensor was constant over the recording (standard deviation 0), so standardising it computes 0/0 and fills that channel with NaN, which the first forward pass spreads through every weight.

Source: https://github.com/keras-team/keras/issues/2134
Causes: FD101
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(71)

N, T, F = 800, 20, 6
x = np.random.normal(0, 1, (N, T, F)).astype("float32")
x[:, :, 5] = 3.0  # a sensor that never changed during the recording
w = np.array([0.8, -0.5, 0.3, 0.0, 0.6, 0.0], dtype="float32")
y = (x[:, -5:, :] @ w).mean(axis=1) + np.random.normal(0, 0.1, N).astype("float32")

mean = x.reshape(-1, F).mean(axis=0)
std = x.reshape(-1, F).std(axis=0)
x = (x - mean) / std  # channel 5: (3 - 3) / 0 = nan

model = keras.Sequential([keras.Input((T, F)), layers.LSTM(16), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
hist = model.fit(x, y, epochs=5, batch_size=32, verbose=2)
print("losses", np.round(hist.history["loss"], 4), " prediction", model.predict(x[:2], verbose=0).ravel())
