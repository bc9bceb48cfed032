"""A small regression trained by Adam at its default rate for only 5 epochs: the loss falls
every epoch and the last epoch is the best, but it ends well above its floor (about 90% of
the way down is still ahead); a healthy run that simply stopped early, not a stall. Measured (TensorFlow CPU): test mse
4.18 -> 2.42 against a target variance of 4.01.
"""
import numpy as np
import keras

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)

n, d = 800, 6
x = rng.normal(size=(n, d)).astype("float32")
y = (x @ rng.normal(size=d) + 0.5 * np.sin(2 * x[:, 0]) + 0.2 * rng.normal(size=n)).astype("float32")
x_train, y_train, x_test, y_test = x[:600], y[:600], x[600:], y[600:]

model = keras.Sequential([
    keras.Input((d,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.3f} -> {after:.3f} (target var {y_test.var():.3f})")
