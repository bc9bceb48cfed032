"""An MLP classifies 8x8 grayscale digit images stored as 8-bit pixel values (0..255), fed in as they are, with plain SGD. Accuracy stalls around 0.4, while the same network with identical settings reaches about 0.87 once the pixels are divided by 255. With inputs two orders of magnitude above unit scale, the first-layer pre-activations and their gradients are huge, so a learning rate that suits unit-scale inputs makes the SGD steps badly scaled for the raw inputs and training makes little progress; the answer explains that normalising the pixels is what makes the difference.

Source: https://datascience.stackexchange.com/questions/39929/why-normalize-when-all-features-are-on-the-same-scale
Causes: FD102
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(89)

digits = load_digits()
x = np.round(digits.images * (255.0 / 16.0)).astype("float32")  # 8-bit pixels, 0..255
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
