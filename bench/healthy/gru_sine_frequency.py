"""A GRU classifies noisy sine waves into three frequency bands (sparse labels, softmax).

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(9)
rng = np.random.default_rng(9)

n, steps = 900, 30
labels = rng.integers(0, 3, size=n)
freqs = np.array([0.05, 0.12, 0.25])[labels] + rng.uniform(-0.01, 0.01, size=n)
phase = rng.uniform(0, 2 * np.pi, size=n)
t = np.arange(steps)
x = np.sin(2 * np.pi * freqs[:, None] * t[None, :] + phase[:, None])
x = (x + rng.normal(scale=0.2, size=x.shape)).astype("float32")[..., None]

model = keras.Sequential([
    keras.Input(shape=(steps, 1)),
    keras.layers.GRU(24),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x[:750], labels[:750], epochs=10, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(x[750:], labels[750:], verbose=0)[1]:.3f}")
