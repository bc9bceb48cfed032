"""A small CNN classifies 8x8 digit images; the images were loaded class by class (all 0s, then all 1s, ...) and fit() is called with validation_split=0.2. Training accuracy climbs normally but validation accuracy stays at 0, because validation_split takes the last 20% of the arrays before any shuffling, so the validation set holds only the last classes, which the model never sees in training.

Source: https://github.com/keras-team/keras/issues/8346
Causes: FD108
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(3)

digits = load_digits()
order = np.argsort(digits.target, kind="stable")  # data arrives grouped by class
x = (digits.images[order] / 16.0).astype("float32")[..., None]
y = digits.target[order]

model = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=6, batch_size=64, validation_split=0.2, verbose=2)
print("train acc %.3f  val acc %.3f" % (hist.history["accuracy"][-1], hist.history["val_accuracy"][-1]))
