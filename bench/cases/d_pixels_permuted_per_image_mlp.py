"""An MLP is trained on digit images whose pixels were scrambled on purpose, to test whether a network can learn digits humans cannot read; the author seeds NumPy once and then calls np.random.shuffle on each image's pixel vector in a loop, believing the seed makes every image get the same permutation. Training accuracy stays near chance (with only slow memorisation) and held-out accuracy at ~0.1: each call draws a new permutation, so every image is scrambled differently and the pixel values no longer relate to the label. One fixed permutation applied to all images would have kept the task learnable.

Source: https://cs.stackexchange.com/questions/78123/trying-to-classify-mnist-where-pixels-are-shuffled-with-a-seed-why-is-it-not-wor
Causes: FD107
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(61)

digits = load_digits()
X = (digits.data / 16.0).astype("float32")
y = digits.target

np.random.seed(42)
for i in range(len(X)):
    np.random.shuffle(X[i, :])  # a different permutation for every image

model = keras.Sequential(
    [keras.Input((64,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(X[:1400], y[:1400], epochs=10, batch_size=32, validation_data=(X[1400:], y[1400:]), verbose=2)
print("train acc %.3f  held-out acc %.3f" % (hist.history["accuracy"][-1], hist.history["val_accuracy"][-1]))
