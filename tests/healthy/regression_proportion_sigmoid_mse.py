"""Regression of a proportion in (0, 1) (e.g. a conversion rate from 6 features) with a
sigmoid output and MSE: the targets are continuous fractions, not classes.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2000, 6
x = rng.normal(size=(n, d)).astype("float32")
logit = 1.2 * x[:, 0] - 0.8 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3]
y = (1 / (1 + np.exp(-logit)) + 0.02 * rng.normal(size=n)).clip(0.001, 0.999).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse", metrics=["mae"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test mse {before['loss']:.4g} -> {after['loss']:.4g}; mae {after['mae']:.3g} "
      f"(target var {y_test.var():.3g})")
