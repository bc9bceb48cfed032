"""An MLP classifies the three wine cultivars from 13 standardised chemical measurements, with validation_split=0.33. The rows are stored in cultivar order, so the held-out last third is all of the third cultivar plus a few of the second, and the training part contains no example of the third cultivar at all: training accuracy reaches 1.0 while validation accuracy stays around 0.2. The report's author saw the same model validate near 1.0 once the rows were put in random order before fit().

Source: https://github.com/keras-team/keras/issues/7759
Causes: FD108
"""
import numpy as np
from sklearn.datasets import load_wine

import keras
from keras import layers

keras.utils.set_random_seed(7)

data = load_wine()
x = data.data.astype("float32")
x = (x - x.mean(axis=0)) / x.std(axis=0)
y = data.target  # rows are ordered 0..0, 1..1, 2..2

model = keras.Sequential(
    [
        keras.Input((13,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=30, batch_size=16, validation_split=0.33, verbose=0)
print("train acc %.3f  val acc %.3f  val loss %.3f" % (
    hist.history["accuracy"][-1], hist.history["val_accuracy"][-1], hist.history["val_loss"][-1]))
