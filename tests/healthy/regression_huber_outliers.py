"""Robust linear-ish regression with the Huber loss: 6% of the training targets are gross
outliers (+-8). A small MLP trained with Huber ignores them; measured by MAE on clean data.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
x = rng.normal(size=(n, 5)).astype("float32")
clean = (1.5 * x[:, 0] - x[:, 1] + 0.5 * x[:, 2] + 0.3 * np.tanh(x[:, 3])).astype("float32")
y = clean + 0.1 * rng.normal(size=n).astype("float32")
outliers = rng.random(n) < 0.06
y[outliers] += rng.choice([-8.0, 8.0], size=outliers.sum())
x_train, y_train = x[:1600], y[:1600]
x_test, y_test = x[1600:], clean[1600:]

model = keras.Sequential(
    [
        keras.Input((5,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss=keras.losses.Huber(delta=1.0), metrics=["mae"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"clean-test huber {before['loss']:.4g} -> {after['loss']:.4g}; "
      f"mae {before['mae']:.3g} -> {after['mae']:.3g}")
