"""Small-data regression trained full-batch (batch_size = all 200 samples): 300 Adam steps
at learning rate 1e-2, as one would for a tiny tabular problem.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 300, 3
x = rng.uniform(-1.5, 1.5, size=(n, d)).astype("float32")
y = (np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] + 0.05 * rng.normal(size=n)).astype("float32")
x_train, y_train, x_test, y_test = x[:200], y[:200], x[200:], y[200:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=300, batch_size=len(x_train), verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
