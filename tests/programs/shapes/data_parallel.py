"""Training under keras.distribution.DataParallel (JAX) over two host devices: run with
KERAS_BACKEND=jax and XLA_FLAGS=--xla_force_host_platform_device_count=2. Saves the final
weights to sys.argv[1] when given."""
import sys

import keras
import numpy as np

devices = keras.distribution.list_devices("cpu")
assert len(devices) == 2, devices
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
keras.utils.set_random_seed(14)
x = np.random.default_rng(0).standard_normal((256, 4)).astype("float32")
y = (x[:, :1] - x[:, 1:2] + 0.5 * x[:, 2:3]).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(x, y, batch_size=32, epochs=4, verbose=0)
print("loss", model.evaluate(x, y, verbose=0))
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights())
