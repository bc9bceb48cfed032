"""Training from an infinite Python generator that yields fresh random batches (a noisy
quadratic-plus-interaction regression), with steps_per_epoch bounding each epoch.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)


def batches(batch_size=64, seed=0):
    rng = np.random.default_rng(seed)
    while True:
        x = rng.normal(size=(batch_size, 4)).astype("float32")
        y = (x[:, 0] ** 2 - 1 + x[:, 1] * x[:, 2] + 0.5 * x[:, 3] + 0.1 * rng.normal(size=batch_size))
        yield x, y.astype("float32")[:, None]


x_test, y_test = next(batches(1000, seed=99))

model = keras.Sequential(
    [
        keras.Input((4,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(batches(), steps_per_epoch=50, epochs=12, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
