"""A tiny MLP should learn whether an integer in [0, 100000) is above 50000; the raw integers are the input, the last layer is Dense(1, activation="relu") and the loss is binary cross-entropy. Accuracy stays at about 0.5 for every epoch: the huge unscaled inputs drive the ReLU units into dead or enormous values, and a ReLU output is not a probability, so binary cross-entropy clips it to [eps, 1-eps] where the gradient is zero. The answer: scale the input and use a sigmoid output.

Source: https://geeksmental.com/question/why-does-accuracy-remain-the-same
Causes: FD202, FD102
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(4)

threshold, n = 50000, 2000
lo = np.random.randint(0, threshold, n)
hi = np.random.randint(threshold, 2 * threshold, n)
x = np.concatenate([lo, hi]).astype("float32").reshape(-1, 1)
y = np.concatenate([np.zeros(n), np.ones(n)]).astype("float32")
perm = np.random.permutation(len(x))
x, y = x[perm], y[perm]

model = keras.Sequential(
    [
        keras.Input((1,)),
        layers.Dense(3, activation="relu"),
        layers.Dense(5, activation="relu"),
        layers.Dense(1, activation="relu"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=10, batch_size=32, verbose=2)
print("final loss %.4f  accuracy %.3f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
