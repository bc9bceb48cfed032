"""MLP regression on the Friedman #1 problem: 10 features uniform in [0, 1], 5 of them used.
Features stay in [0, 1]; the targets (mean ~14, std ~5) are standardized with training-set
statistics, and the prediction is mapped back for the reported RMSE.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
x = rng.uniform(0.0, 1.0, size=(n, 10)).astype("float32")
y = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
     + rng.normal(size=n)).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]
mean, std = y_train.mean(), y_train.std()

model = keras.Sequential(
    [
        keras.Input((10,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, (y_test - mean) / std, verbose=0)
model.fit(x_train, (y_train - mean) / std, epochs=40, batch_size=32, verbose=0)
after = model.evaluate(x_test, (y_test - mean) / std, verbose=0)
rmse = float(np.sqrt(np.mean((model.predict(x_test, verbose=0)[:, 0] * std + mean - y_test) ** 2)))
print(f"test mse (standardized) {before:.4g} -> {after:.4g}; RMSE {rmse:.3g} (target std {y_test.std():.3g})")
