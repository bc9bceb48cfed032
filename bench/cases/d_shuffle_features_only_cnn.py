"""A small CNN classifies 8x8 digit images. Following a tutorial on shuffling a training set, the author calls np.random.shuffle on the image array only, leaving the label array in its original order. Training loss stays at about log(10) and accuracy at about 0.1: after the in-place shuffle, image i is paired with the label of some other image, so the inputs carry no information about the targets.

Source: https://yingnd.com/python/165758.html
Causes: FD107
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(59)

digits = load_digits()
x_train = (digits.images / 16.0).astype("float32")[..., None]
y_train = digits.target

np.random.shuffle(x_train)  # shuffles the images in place; the labels keep their order

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
