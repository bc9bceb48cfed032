"""Several fit() calls: one model trained in three calls (the last continuing at
initial_epoch), then a second model. Saves the final weights to sys.argv[1] when given."""
import sys

import keras
import numpy as np

keras.utils.set_random_seed(2)
rng = np.random.default_rng(0)
x = rng.standard_normal((256, 5)).astype("float32")
y = (x @ rng.standard_normal((5, 1))).astype("float32")
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse")
model.fit(x, y, batch_size=32, epochs=2, verbose=0)
model.fit(x, y, batch_size=32, epochs=2, verbose=0)
model.fit(x, y, batch_size=32, epochs=6, initial_epoch=4, verbose=0)
other = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
other.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
other.fit(x, y, batch_size=32, epochs=3, verbose=0)
print("losses", model.evaluate(x, y, verbose=0), other.evaluate(x, y, verbose=0))
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights(), *other.get_weights(), model.optimizer.iterations)
