"""Fixed twin of d_valsplit_sorted_digits_cnn.py: the class-ordered arrays are shuffled once (images and labels with the same permutation) before fit(), so validation_split's last 20% contains every class. A small CNN on 8x8 digits, trained with validation_split=0.2, now reports a validation accuracy close to the training accuracy.

Source: https://github.com/keras-team/keras/issues/8346
Causes: none
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
perm = np.random.permutation(len(x))  # shuffle before validation_split cuts the tail
x, y = x[perm], y[perm]

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
