"""A CNN sorts 16x16 images into three shape classes (square, cross, ring); the data pipeline yields class ids 0, 1, 2 as in a binary setup, and the model ends in Dense(1, sigmoid) with binary cross-entropy. Accuracy never improves: binary cross-entropy needs targets in [0, 1], a target of 2 is not a probability and drives the output to saturate at 1, so classes 1 and 2 are indistinguishable to the loss and the network cannot represent three classes in one sigmoid unit.

Source: https://newbedev.com/cnn-with-keras-accuracy-not-improving
Causes: FD106
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(37)

N, S = 900, 16
x = np.random.normal(0, 0.2, (N, S, S, 1)).astype("float32")
y = np.random.randint(0, 3, N)
for i in range(N):
    r, c = np.random.randint(3, S - 4, 2)
    if y[i] == 0:
        x[i, r - 2:r + 3, c - 2:c + 3, 0] += 1.0  # filled square
    elif y[i] == 1:
        x[i, r - 3:r + 4, c, 0] += 1.0  # cross
        x[i, r, c - 3:c + 4, 0] += 1.0
    else:
        x[i, r - 2:r + 3, c - 2:c + 3, 0] += 1.0  # ring: square with a hole
        x[i, r - 1:r + 2, c - 1:c + 2, 0] -= 1.0

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="rmsprop", loss="binary_crossentropy")
hist = model.fit(x, y.astype("float32"), epochs=6, batch_size=32, verbose=2)
p = model.predict(x, verbose=0)[:, 0]
pred = np.clip(np.round(p * 2), 0, 2)  # best reading of one unit as a class id
print("final loss %.3f  3-class accuracy %.3f" % (hist.history["loss"][-1], np.mean(pred == y)))
