"""A Sequential model without an Input: Keras builds it at the first batch of fit().
Saves the final weights to sys.argv[1] when given."""
import sys

import keras
import numpy as np

keras.utils.set_random_seed(4)
x = np.random.default_rng(0).standard_normal((160, 3)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
model.fit(x, y, batch_size=16, epochs=5, verbose=0)
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights())
