"""The simplest network there is: a single ReLU unit (one weight, no bias) trained with SGD on a stream of standard-normal inputs to reproduce ReLU itself, target max(x, 0). Started from a weight of -10 (the "backwards" orientation), it gets stuck at a weight of zero and never crosses to the region of lower loss, while a start in the target's orientation converges quickly to 1. With a negative weight the unit is active only for x < 0, where the target is 0, so the gradient only ever shrinks the weight towards zero; on the samples where the target needs it (x > 0) the unit is inactive and passes no gradient: a dead ReLU for the part of the data that matters (the answers).

Measured here (TensorFlow CPU): final loss 0.502 (the loss of predicting 0 everywhere, E[max(x, 0)^2] = 0.5) with the weight at -0.0000; the fixed twin reaches weight 1.0000, loss 0.

Source: https://stats.stackexchange.com/questions/379884/why-cant-a-single-relu-learn-a-relu
Causes: FD206
"""
import numpy as np

import keras

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
batch = 1000


def tests():
    while True:
        x = rng.standard_normal(batch).astype("float32").reshape(-1, 1)
        yield x, np.maximum(x, 0.0)


model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="relu", use_bias=False)])
model.set_weights([np.array([[-10.0]], dtype="float32")])
model.compile(loss="mean_squared_error", optimizer="sgd")
hist = model.fit(tests(), steps_per_epoch=100, epochs=20, verbose=0)
print("final loss %.4f  weight %.4f (target 1)" % (hist.history["loss"][-1], float(model.get_weights()[0][0, 0])))
