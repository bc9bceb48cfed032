"""Siamese model: one encoder (shared layers) applied to both inputs of a pair; the absolute
difference of the two codes feeds a sigmoid 'same cluster?' head, binary cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d, n = 8, 10, 3000
centres = rng.normal(0, 1.5, size=(k, d))
a_cls = rng.integers(0, k, n)
same = rng.random(n) < 0.5
b_cls = np.where(same, a_cls, (a_cls + rng.integers(1, k, n)) % k)
a = (centres[a_cls] + rng.normal(size=(n, d))).astype("float32")
b = (centres[b_cls] + rng.normal(size=(n, d))).astype("float32")
y = same.astype("float32")
train, test = slice(0, 2400), slice(2400, None)

encoder = keras.Sequential([keras.Input((d,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(16)],
                           name="encoder")
left, right = keras.Input((d,), name="left"), keras.Input((d,), name="right")
distance = keras.layers.Lambda(lambda t: keras.ops.abs(t[0] - t[1]))([encoder(left), encoder(right)])
output = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(16, activation="relu")(distance))
model = keras.Model([left, right], output)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate([a[test], b[test]], y[test], verbose=0, return_dict=True)
model.fit([a[train], b[train]], y[train], epochs=20, batch_size=32, verbose=0)
after = model.evaluate([a[test], b[test]], y[test], verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.5)")
