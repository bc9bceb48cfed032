"""Weighted regression with per-sample weights: measurement noise differs by sample (known
standard deviation 0.05 to 1.0), so each sample is weighted by its inverse noise variance
(normalised to mean 1), passed as sample_weight to fit.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
x = rng.uniform(-2, 2, size=(n, 3)).astype("float32")
clean = (np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2]).astype("float32")
noise_std = rng.uniform(0.05, 1.0, n)
y = (clean + noise_std * rng.normal(size=n)).astype("float32")
weight = 1.0 / noise_std ** 2
weight = (weight / weight.mean()).astype("float32")
x_train, y_train, w_train = x[:1600], y[:1600], weight[:1600]
x_test, y_test = x[1600:], clean[1600:]

model = keras.Sequential(
    [
        keras.Input((3,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, sample_weight=w_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"clean-test mse {before:.4g} -> {after:.4g} (clean target var {y_test.var():.3g}; "
      f"weights {weight.min():.2g}..{weight.max():.2g})")
