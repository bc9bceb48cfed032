"""A regression MLP whose target is a continuous value in the range 0..1000, with a sigmoid on the output unit (the advice for regression had been: use a sigmoid when the output range is known and finite) and mean squared error. The follow-up question and its answer: with a sigmoid output the labels must first be normalised to [0, 1] (and the predictions de-normalised afterwards). Without that the sigmoid's output, at most 1, cannot reach targets in the hundreds: the loss stays near the targets' mean square and every prediction saturates at 1.

Measured here (TensorFlow CPU): test mean squared error 344791 against a target variance of 84527 (R2 -3.08), every prediction between 0.998 and 1.000; the fixed twin reaches R2 0.995.

Source: https://github.com/keras-team/keras/issues/2399
Causes: FD207, FD103
"""
import numpy as np

import keras

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)

n, d = 1500, 8
x = rng.normal(size=(n, d)).astype("float32")
score = x @ rng.normal(size=d) * 0.5 + 0.3 * np.sin(2 * x[:, 0])
y = (1000.0 / (1.0 + np.exp(-score))).astype("float32")  # values in 0..1000
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

model = keras.Sequential([
    keras.Input((d,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
pred = model.predict(x_test, verbose=0)[:, 0]
mse = float(np.mean((pred - y_test) ** 2))
print("test mse %.1f (target var %.1f)  R2 %.3f  prediction range %.3f..%.3f" % (
    mse, y_test.var(), 1 - mse / y_test.var(), pred.min(), pred.max()))
