"""tf.data with shuffle (reshuffled each epoch), repeat and prefetch, bounded by
steps_per_epoch. Saves the final weights (and a post-fit draw from every global RNG) to
sys.argv[1] when given."""
import sys

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(11)
x = np.random.default_rng(0).standard_normal((200, 6)).astype("float32")
y = (x[:, :1] - 0.5 * x[:, 1:2]).astype("float32")
dataset = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(200).batch(20).repeat()
           .prefetch(tf.data.AUTOTUNE))
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
model.fit(dataset, epochs=3, steps_per_epoch=10, verbose=0)
print("loss", model.evaluate(x, y, verbose=0))
if len(sys.argv) > 1:
    np.savez(sys.argv[1], *model.get_weights(), np.random.standard_normal(2),
             tf.random.uniform((2,)).numpy(), keras.random.normal((2,)))
