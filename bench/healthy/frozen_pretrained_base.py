"""Transfer learning in miniature: a convolutional base is first trained briefly on digits
0-4, then frozen and reused under a new head for digits 5-9 (scikit-learn's 8x8 digits).

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_digits

keras.utils.set_random_seed(16)

digits = load_digits()
x = (digits.images / 16.0).astype("float32")[..., None]
y = digits.target
first, second = y < 5, y >= 5

base = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(32, activation="relu"),
], name="base")
pretrain = keras.Sequential([base, keras.layers.Dense(5, activation="softmax")])
pretrain.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
pretrain.fit(x[first], y[first], epochs=5, batch_size=32, verbose=0)

base.trainable = False
x2, y2 = x[second], y[second] - 5
rng = np.random.default_rng(16)
idx = rng.permutation(len(x2))
x2, y2 = x2[idx], y2[idx]
model = keras.Sequential([base, keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x2[:700], y2[:700], epochs=10, batch_size=32, verbose=0)
print(f"new-task test accuracy with a frozen base {model.evaluate(x2[700:], y2[700:], verbose=0)[1]:.3f}")
