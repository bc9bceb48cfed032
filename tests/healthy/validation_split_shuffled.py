"""Regression with validation_split=0.2 on data that is in random order (generated i.i.d.),
so Keras's last-20% validation slice is representative; test loss reported before/after.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2500, 6
x = rng.normal(size=(n, d)).astype("float32")
y = (x[:, 0] * x[:, 1] + np.sin(x[:, 2]) + 0.5 * x[:, 3] + 0.1 * rng.normal(size=n)).astype("float32")
x_fit, y_fit, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_fit, y_fit, validation_split=0.2, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
