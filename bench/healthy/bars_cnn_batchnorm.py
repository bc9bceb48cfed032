"""Synthetic 16x16 images containing either a horizontal or a vertical bar in noise, classified
by a CNN with BatchNormalization and Dropout.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)


def make_images(n):
    x = rng.uniform(0.0, 0.3, size=(n, 16, 16, 1)).astype("float32")
    y = rng.integers(0, 2, size=n)
    for i in range(n):
        pos = rng.integers(2, 14)
        if y[i] == 0:
            x[i, pos, 2:14, 0] = 1.0
        else:
            x[i, 2:14, pos, 0] = 1.0
    return x, y.astype("float32")


x_train, y_train = make_images(800)
x_test, y_test = make_images(200)

model = keras.Sequential([
    keras.Input(shape=(16, 16, 1)),
    keras.layers.Conv2D(8, 3, use_bias=False),
    keras.layers.BatchNormalization(),
    keras.layers.Activation("relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.GlobalMaxPooling2D(),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(x_test, y_test, verbose=0)[1]:.3f}")
