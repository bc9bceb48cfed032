"""GRU one-step forecasting: from 24 past values of a noisy sine wave (random frequency,
phase and amplitude) predict the next value. MSE loss, Adam.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 2000, 24
freq = rng.uniform(0.1, 0.4, size=(n, 1))
phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
amp = rng.uniform(0.5, 1.5, size=(n, 1))
t = np.arange(steps + 1)[None, :]
series = amp * np.sin(freq * t + phase) + 0.05 * rng.normal(size=(n, steps + 1))
x = series[:, :steps, None].astype("float32")
y = series[:, steps:].astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.GRU(32),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
