"""A small convolutional network on scikit-learn's 8x8 handwritten digits, pixels scaled to
[0, 1], with max pooling and a softmax over ten classes.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_digits

keras.utils.set_random_seed(6)

digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., None]
labels = digits.target
rng = np.random.default_rng(6)
idx = rng.permutation(len(images))
images, labels = images[idx], labels[idx]

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(images[:1400], labels[:1400], epochs=8, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(images[1400:], labels[1400:], verbose=0)[1]:.3f}")
