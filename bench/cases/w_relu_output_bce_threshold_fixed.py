"""Fixed twin of w_relu_output_bce_threshold.py: the integers are divided by 100000 so the input is on unit scale, and the output layer uses a sigmoid, which fits binary cross-entropy. The tiny MLP now learns whether the number is above the 50000 threshold.

Source: https://geeksmental.com/question/why-does-accuracy-remain-the-same
Causes: none
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
x = x / (2.0 * threshold)  # unit-scale input

model = keras.Sequential(
    [
        keras.Input((1,)),
        layers.Dense(3, activation="relu"),
        layers.Dense(5, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=10, batch_size=32, verbose=2)
print("final loss %.4f  accuracy %.3f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
