"""Mixed precision: the mixed_float16 policy, a float32 softmax output, Adam wrapped in a
LossScaleOptimizer by compile() (or explicitly with `explicit` as sys.argv[2]). A healthy
classifier: pre-flight must stay silent. Saves the final weights to sys.argv[1] when given."""
import sys

import keras
import numpy as np

keras.mixed_precision.set_global_policy("mixed_float16")
keras.utils.set_random_seed(6)
rng = np.random.default_rng(0)
centers = rng.standard_normal((3, 8)) * 2
labels = rng.integers(0, 3, 300)
x = (centers[labels] + rng.standard_normal((300, 8))).astype("float32")
inputs = keras.Input((8,))
hidden = keras.layers.Dense(32, activation="relu")(inputs)
logits = keras.layers.Dense(3)(hidden)
outputs = keras.layers.Activation("softmax", dtype="float32")(logits)
model = keras.Model(inputs, outputs)
optimizer = keras.optimizers.SGD(0.05, momentum=0.9)
if len(sys.argv) > 2 and sys.argv[2] == "explicit":
    optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
model.fit(x, labels, batch_size=32, epochs=2, verbose=0)
keras.mixed_precision.set_global_policy("float32")
if len(sys.argv) > 1 and sys.argv[1] != "-":
    np.savez(sys.argv[1], *[np.asarray(w, dtype="float32") for w in model.get_weights()])
