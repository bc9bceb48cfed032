"""Fixed twin of d_pixels_0_255_mlp_sgd.py: the 8-bit pixel values are divided by 255 before training, so the inputs are in [0, 1]. The same MLP with the same SGD settings now learns the digits.

Source: https://datascience.stackexchange.com/questions/39929/why-normalize-when-all-features-are-on-the-same-scale
Causes: none
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(89)

digits = load_digits()
x = np.round(digits.images * (255.0 / 16.0)).astype("float32")  # 8-bit pixels, 0..255
x = x / 255.0
y = digits.target

model = keras.Sequential(
    [
        keras.Input((8, 8)),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=8, batch_size=32, verbose=2)
print("final loss %s  accuracy %.3f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
