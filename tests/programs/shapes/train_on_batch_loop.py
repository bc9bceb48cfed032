"""A hand-written loop of train_on_batch steps and no fit(). Saves the final weights to
sys.argv[1] when given."""
import sys

import keras
import numpy as np

keras.utils.set_random_seed(12)
rng = np.random.default_rng(0)
x = rng.standard_normal((128, 3)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
for epoch in range(3):
    for start in range(0, len(x), 32):
        loss = model.train_on_batch(x[start:start + 32], y[start:start + 32])
print("last loss", float(loss))
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights())
