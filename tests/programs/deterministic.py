"""A seeded healthy run touching every RNG a probe could disturb: weight initialisation,
Dropout, shuffling, and NumPy's global generator inside a generator-free data pipeline.
Saves the final weights to sys.argv[1]."""
import sys

import keras
import numpy as np

keras.utils.set_random_seed(42)
x = np.random.standard_normal((256, 8)).astype("float32")
y = (x[:, :1] * 2 - x[:, 1:2] + 0.1 * np.random.standard_normal((256, 1))).astype("float32")
model = keras.Sequential([
    keras.Input((8,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.BatchNormalization(),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
model.fit(x, y, batch_size=32, epochs=3, shuffle=True, verbose=0)
# Code after fit that draws from the global RNGs must see the same state too.
extra = keras.layers.Dense(4)
extra.build((None, 8))
np.savez(sys.argv[1], *model.get_weights(), *extra.get_weights(), np.random.standard_normal(3))
