"""Bag-of-embeddings "sentiment" model: fixed-length token sequences with some positive and
some negative words, Embedding without masking and global average pooling.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)

vocab, length, n = 200, 20, 1500
tokens = rng.integers(20, vocab, size=(n, length))
positive = rng.integers(0, 2, size=n)
n_marks = rng.integers(2, 6, size=n)
for i in range(n):
    spots = rng.choice(length, size=n_marks[i], replace=False)
    tokens[i, spots] = rng.integers(0, 10, size=n_marks[i]) + (0 if positive[i] else 10)

model = keras.Sequential([
    keras.Input(shape=(length,), dtype="int32"),
    keras.layers.Embedding(vocab, 8),
    keras.layers.GlobalAveragePooling1D(),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(tokens[:1200], positive[:1200].astype("float32"), epochs=10, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(tokens[1200:], positive[1200:].astype('float32'), verbose=0)[1]:.3f}")
