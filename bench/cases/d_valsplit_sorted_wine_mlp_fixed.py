"""Fixed twin of d_valsplit_sorted_wine_mlp.py: the cultivar-ordered rows are permuted once (features and labels together) before fit(), so validation_split=0.33 holds out a sample of all three cultivars. The same MLP on the standardised wine measurements now validates about as well as it trains.

Source: https://github.com/keras-team/keras/issues/7759
Causes: none
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
perm = np.random.permutation(len(x))
x, y = x[perm], y[perm]

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
