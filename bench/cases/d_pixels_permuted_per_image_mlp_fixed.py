"""Fixed twin of d_pixels_permuted_per_image_mlp.py: one random permutation of the 64 pixel positions is drawn once and applied to every image (X[:, perm]), as the answer suggests, so the scrambling is consistent and each pixel position still means the same thing in every image. The MLP now learns the scrambled digits (an MLP does not care about pixel order).

Source: https://cs.stackexchange.com/questions/78123/trying-to-classify-mnist-where-pixels-are-shuffled-with-a-seed-why-is-it-not-wor
Causes: none
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
perm = np.random.permutation(X.shape[1])
X = X[:, perm]  # the same permutation for every image

model = keras.Sequential(
    [keras.Input((64,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(X[:1400], y[:1400], epochs=10, batch_size=32, validation_data=(X[1400:], y[1400:]), verbose=2)
print("train acc %.3f  held-out acc %.3f" % (hist.history["accuracy"][-1], hist.history["val_accuracy"][-1]))
