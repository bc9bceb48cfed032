"""Fixed twin of w_sigmoid_output_targets_to_1000.py: the answer's fix, the labels divided by 1000 into [0, 1] for training and the predictions multiplied back by 1000; the sigmoid output can now reach every target and the model fits the data.

Measured here (TensorFlow CPU): test R2 0.995 (mean squared error 414, target variance 84527), predictions 1.3..984.

Source: https://github.com/keras-team/keras/issues/2399
Causes: none
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
model.fit(x_train, y_train / 1000.0, epochs=30, batch_size=32, verbose=0)
pred = model.predict(x_test, verbose=0)[:, 0] * 1000.0
mse = float(np.mean((pred - y_test) ** 2))
print("test mse %.1f (target var %.1f)  R2 %.3f  prediction range %.3f..%.3f" % (
    mse, y_test.var(), 1 - mse / y_test.var(), pred.min(), pred.max()))
