"""Small CNN classifying 16x16 grayscale images in [0, 1] into four shapes drawn at random
positions (horizontal bar, vertical bar, diagonal, filled square) on a noisy background.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def draw(n):
    images = rng.uniform(0.0, 0.25, size=(n, 16, 16)).astype("float32")
    labels = rng.integers(0, 4, n)
    for img, label in zip(images, labels):
        r, c = rng.integers(2, 10, 2)
        if label == 0:
            img[r, c:c + 6] = 1.0
        elif label == 1:
            img[r:r + 6, c] = 1.0
        elif label == 2:
            img[np.arange(r, r + 6), np.arange(c, c + 6)] = 1.0
        else:
            img[r:r + 4, c:c + 4] = 1.0
    return images[..., None], labels


x_train, y_train = draw(1200)
x_test, y_test = draw(400)

model = keras.Sequential(
    [
        keras.Input((16, 16, 1)),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu", padding="same"),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(4, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=12, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.25)")
