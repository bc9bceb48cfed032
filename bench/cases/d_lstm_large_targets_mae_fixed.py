"""Fixed twin of d_lstm_large_targets_mae.py: as the first answer suggests, the targets are rescaled too (standardised with their mean and standard deviation; predictions are mapped back for the report), so the Dense(1) head only has to produce values of order 1. The same LSTM with the same optimizer now tracks the energy use (MAE about half the target's standard deviation, against a prediction stuck near 0 before).

Source: https://github.com/keras-team/keras/issues/4563
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(97)

N, T, F = 1200, 15, 4
x = np.random.normal(0, 1, (N, T, F)).astype("float32")
y = (20000 + 3000 * x[:, -3:, 0].mean(1) - 2000 * x[:, -3:, 1].mean(1)).astype("float32")
y_mean, y_std = y.mean(), y.std()

model = keras.Sequential([keras.Input((T, F)), layers.LSTM(32), layers.Dropout(0.3), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(8e-4, momentum=0.9, nesterov=True), loss="mean_absolute_error")
hist = model.fit(x, (y - y_mean) / y_std, epochs=10, batch_size=32, verbose=2)
pred = model.predict(x, verbose=0)[:, 0] * y_std + y_mean
print("final loss %.3f  MAE %.1f  (std of target %.1f)  mean prediction %.1f" % (
    hist.history["loss"][-1], np.mean(np.abs(pred - y)), y.std(), pred.mean()))
