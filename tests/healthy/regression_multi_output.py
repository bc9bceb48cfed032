"""Multi-output MLP regression: 8 standard-normal features, 3 targets predicted together by
one Dense(3) head (a linear target, a product of two features, a sine plus a square).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
x = rng.normal(size=(n, 8)).astype("float32")
y = np.stack(
    [
        x[:, 0] - 0.5 * x[:, 1] + 0.3 * x[:, 2],
        x[:, 3] * x[:, 4],
        np.sin(2 * x[:, 5]) + 0.5 * x[:, 6] ** 2 - 0.5,
    ],
    axis=1,
).astype("float32")
y += 0.05 * rng.normal(size=y.shape).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(3),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="mse", metrics=["mae"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=40, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test mse {before['loss']:.4g} -> {after['loss']:.4g}; mae {after['mae']:.3g} "
      f"(mean target var {y_test.var(axis=0).mean():.3g})")
