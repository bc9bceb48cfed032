"""Binary CNN: horizontal vs vertical stripes in noisy 16x16 images in [0, 1], with
Conv2D -> BatchNormalization -> ReLU blocks, Dropout before a sigmoid head, BCE loss.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def draw(n):
    images = rng.uniform(0.0, 0.4, size=(n, 16, 16)).astype("float32")
    labels = rng.integers(0, 2, n)
    for img, label in zip(images, labels):
        rows = rng.choice(16, size=3, replace=False)
        if label == 0:
            img[rows, :] += 0.5
        else:
            img[:, rows] += 0.5
    return np.clip(images, 0.0, 1.0)[..., None], labels.astype("float32")


x_train, y_train = draw(1000)
x_test, y_test = draw(400)

inputs = keras.Input((16, 16, 1))
h = inputs
for filters in (8, 16):
    h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.MaxPooling2D()(h)
h = keras.layers.Flatten()(h)
h = keras.layers.Dropout(0.3)(h)
outputs = keras.layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}")
