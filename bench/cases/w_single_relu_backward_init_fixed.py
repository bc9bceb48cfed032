"""Fixed twin of w_single_relu_backward_init.py: the weight starts in the target's orientation (+10 instead of -10), the case the question reports converging quickly: the unit is active on the samples whose target is positive, its gradient is nonzero there, and SGD brings the weight to 1.

Measured here (TensorFlow CPU): weight 1.0000, final loss 0.0000.

Source: https://stats.stackexchange.com/questions/379884/why-cant-a-single-relu-learn-a-relu
Causes: none
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
model.set_weights([np.array([[10.0]], dtype="float32")])
model.compile(loss="mean_squared_error", optimizer="sgd")
hist = model.fit(tests(), steps_per_epoch=100, epochs=20, verbose=0)
print("final loss %.4f  weight %.4f (target 1)" % (hist.history["loss"][-1], float(model.get_weights()[0][0, 0])))
