"""Training inside tf.distribute.MirroredStrategy over two virtual CPU devices. Saves the
final weights to sys.argv[1] when given."""
import sys

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.utils.set_random_seed(13)
x = np.random.default_rng(0).standard_normal((256, 4)).astype("float32")
y = (x[:, :1] - x[:, 1:2] + 0.5 * x[:, 2:3]).astype("float32")
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
assert strategy.num_replicas_in_sync == 2
with strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(x, y, batch_size=32, epochs=4, verbose=0)
print("loss", model.evaluate(x, y, verbose=0))
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights())
