"""Dense autoencoder compressing 16x16 images in [0, 1] (soft blobs) to an 8-dim code;
sigmoid output, binary cross-entropy against the (continuous) pixel values, the usual recipe.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 1500
grid = np.stack(np.meshgrid(np.arange(16), np.arange(16), indexing="ij"), axis=-1)
centres = rng.uniform(3, 13, size=(n, 1, 1, 2))
widths = rng.uniform(1.5, 3.5, size=(n, 1, 1))
images = np.exp(-((grid[None] - centres) ** 2).sum(-1) / (2 * widths ** 2))
x = images.reshape(n, 256).astype("float32")
x_train, x_test = x[:1200], x[1200:]

model = keras.Sequential(
    [
        keras.Input((256,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(256, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["mse"])
before = model.evaluate(x_test, x_test, verbose=0, return_dict=True)
model.fit(x_train, x_train, epochs=25, batch_size=32, verbose=0)
after = model.evaluate(x_test, x_test, verbose=0, return_dict=True)
print(f"test bce {before['loss']:.4g} -> {after['loss']:.4g}; mse {before['mse']:.4g} -> {after['mse']:.4g} "
      f"(pixel var {x_test.var():.3g})")
