"""An LSTM regresses a quantity in the tens of thousands (here: daily energy use) from standardised multi-feature sequences, with mean absolute error and SGD with Nesterov momentum. The loss is huge and falls only a little per epoch; the predictions stay far below the targets. The inputs are fine, but the targets are never scaled: with MAE the gradient on the output is at most 1 per sample whatever the error, so a Dense(1) head that starts near 0 needs an enormous number of small steps to climb to values around 20000.

Source: https://github.com/keras-team/keras/issues/4563
Causes: FD103
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(97)

N, T, F = 1200, 15, 4
x = np.random.normal(0, 1, (N, T, F)).astype("float32")
y = (20000 + 3000 * x[:, -3:, 0].mean(1) - 2000 * x[:, -3:, 1].mean(1)).astype("float32")

model = keras.Sequential([keras.Input((T, F)), layers.LSTM(32), layers.Dropout(0.3), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(8e-4, momentum=0.9, nesterov=True), loss="mean_absolute_error")
hist = model.fit(x, y, epochs=10, batch_size=32, verbose=2)
pred = model.predict(x, verbose=0)[:, 0]
print("final loss %.1f  MAE %.1f  (std of target %.1f)  mean prediction %.1f" % (
    hist.history["loss"][-1], np.mean(np.abs(pred - y)), y.std(), pred.mean()))
