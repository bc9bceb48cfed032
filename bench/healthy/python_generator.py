"""Training from an endless Python generator that draws fresh mini-batches of a synthetic
regression problem, with steps_per_epoch.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)
W = rng.normal(size=(6, 1)).astype("float32")


def batches(batch_size=32):
    while True:
        x = rng.normal(size=(batch_size, 6)).astype("float32")
        y = np.tanh(x @ W) + 0.05 * rng.normal(size=(batch_size, 1)).astype("float32")
        yield x, y.astype("float32")


x_test = rng.normal(size=(500, 6)).astype("float32")
y_test = np.tanh(x_test @ W)

model = keras.Sequential([
    keras.Input(shape=(6,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
history = model.fit(batches(), steps_per_epoch=40, epochs=10, verbose=0)
print(f"first epoch loss {history.history['loss'][0]:.4f}, test mse "
      f"{model.evaluate(x_test, y_test, verbose=0):.4f} (target variance {y_test.var():.3f})")
