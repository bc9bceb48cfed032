"""Fixed twin of d_shuffle_features_only_cnn.py: images and labels are shuffled with one shared permutation (x[perm], y[perm]) instead of shuffling the image array alone, so every image keeps its own label. The small CNN on 8x8 digits now reaches high accuracy.

Source: https://yingnd.com/python/165758.html
Causes: none
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(59)

digits = load_digits()
x_train = (digits.images / 16.0).astype("float32")[..., None]
y_train = digits.target

perm = np.random.permutation(len(x_train))  # one permutation for both arrays
x_train, y_train = x_train[perm], y_train[perm]

model = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x_train, y_train, epochs=6, batch_size=64, verbose=2)
print("final loss %.3f  accuracy %.3f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
