"""LSTM regression: read a sequence of 12 numbers uniform in [-1, 1] and predict their sum.
MSE loss on the (unscaled, but unit-range) sum, Adam.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 2000, 12
x = rng.uniform(-1.0, 1.0, size=(n, steps, 1)).astype("float32")
y = x.sum(axis=(1, 2)).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.LSTM(32),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
