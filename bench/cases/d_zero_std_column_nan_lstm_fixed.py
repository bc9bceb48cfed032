"""Fixed twin of d_zero_std_column_nan_lstm.py: a small constant is added to each channel's standard deviation before dividing (the fix given in the report), so the constant sensor becomes an all-zero channel instead of NaN. The LSTM now learns the load from the sensor windows.

Source: https://github.com/keras-team/keras/issues/2134
Causes: none
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
std = x.reshape(-1, F).std(axis=0) + 1e-6
x = (x - mean) / std  # channel 5 becomes 0 instead of nan

model = keras.Sequential([keras.Input((T, F)), layers.LSTM(16), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
hist = model.fit(x, y, epochs=5, batch_size=32, verbose=2)
print("losses", np.round(hist.history["loss"], 4), " prediction", model.predict(x[:2], verbose=0).ravel())
