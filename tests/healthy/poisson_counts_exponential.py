"""Count regression (e.g. visits per day, 0 to ~40) with the Poisson loss and an
exponential output activation, so the model predicts the log of the rate.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2500, 5
x = rng.normal(size=(n, d)).astype("float32")
rate = np.exp(1.0 + 0.6 * x[:, 0] - 0.4 * x[:, 1] + 0.3 * np.sin(2 * x[:, 2]))
y = rng.poisson(rate).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="exponential"),
    ]
)
model.compile(optimizer="adam", loss="poisson", metrics=["mae"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=25, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
mae_true_rate = np.abs(rate[2000:] - y_test).mean()
print(f"test poisson {before['loss']:.4g} -> {after['loss']:.4g}; mae {before['mae']:.3g} -> {after['mae']:.3g} "
      f"(mae of the true rate {mae_true_rate:.3g}; counts 0..{int(y.max())})")
