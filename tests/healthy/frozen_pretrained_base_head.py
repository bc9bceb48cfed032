"""Transfer learning: a small conv base is first trained on a 4-shape task, then frozen
(base.trainable = False) and reused under a new trainable head for a related 2-class task
(is the shape at the top half of the image?).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def draw(n):
    images = rng.uniform(0.0, 0.2, size=(n, 16, 16)).astype("float32")
    shape = rng.integers(0, 4, n)
    rows = rng.integers(1, 11, n)
    for img, s, r in zip(images, shape, rows):
        c = rng.integers(1, 11)
        if s == 0:
            img[r, c:c + 5] = 1.0
        elif s == 1:
            img[r:r + 5, c] = 1.0
        elif s == 2:
            img[np.arange(r, r + 5), np.arange(c, c + 5)] = 1.0
        else:
            img[r:r + 3, c:c + 3] = 1.0
    return images[..., None], shape, (rows < 6).astype("float32")


x, shape, top = draw(2000)

base = keras.Sequential(
    [
        keras.Input((16, 16, 1)),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
        keras.layers.Flatten(),
    ],
    name="base",
)
pretrain = keras.Sequential([base, keras.layers.Dense(4, activation="softmax")])
pretrain.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
pretrain.fit(x[:1000], shape[:1000], epochs=5, batch_size=32, verbose=0)

base.trainable = False
inputs = keras.Input((16, 16, 1))
features = base(inputs, training=False)
outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(32, activation="relu")(features))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate(x[1600:], top[1600:], verbose=0, return_dict=True)
model.fit(x[1000:1600], top[1000:1600], epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x[1600:], top[1600:], verbose=0, return_dict=True)
print(f"head test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}; "
      f"trainable weights {len(model.trainable_weights)} of {len(model.weights)}")
