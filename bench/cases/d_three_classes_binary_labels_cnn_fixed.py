"""Fixed twin of d_three_classes_binary_labels_cnn.py: as the answer says, the three classes get three output units with softmax, and the integer class ids 0/1/2 go to sparse categorical cross-entropy instead of binary cross-entropy. The CNN now tells squares, crosses and rings apart.

Source: https://newbedev.com/cnn-with-keras-accuracy-not-improving
Causes: none
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
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
hist = model.fit(x, y, epochs=6, batch_size=32, verbose=2)
pred = model.predict(x, verbose=0).argmax(axis=1)
print("final loss %.3f  3-class accuracy %.3f" % (hist.history["loss"][-1], np.mean(pred == y)))
