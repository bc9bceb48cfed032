"""MLP regression: learn y = sin(2x) + noise from one feature x in [-2, 2].
Two tanh hidden layers, MSE loss, Adam; loss measured on a held-out set before and after.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

x = rng.uniform(-2.0, 2.0, size=(1500, 1)).astype("float32")
y = (np.sin(2.0 * x) + 0.05 * rng.normal(size=x.shape)).astype("float32")
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

model = keras.Sequential(
    [
        keras.Input((1,)),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=40, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
