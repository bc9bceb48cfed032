"""Bag-of-words sentiment on synthetic token-id reviews (vocabulary 300, 40 tokens each):
ids 1-25 are positive words, 26-50 negative; the label says which kind dominates.
Embedding -> GlobalAveragePooling1D -> sigmoid, binary cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

vocab, length, n = 300, 40, 3000
tokens = rng.integers(51, vocab, size=(n, length))
for row in tokens:
    k_pos, k_neg = rng.integers(0, 8, 2)
    spots = rng.choice(length, size=k_pos + k_neg, replace=False)
    row[spots[:k_pos]] = rng.integers(1, 26, k_pos)
    row[spots[k_pos:]] = rng.integers(26, 51, k_neg)
n_pos = ((tokens >= 1) & (tokens <= 25)).sum(1)
n_neg = ((tokens >= 26) & (tokens <= 50)).sum(1)
keep = n_pos != n_neg
tokens, y = tokens[keep], (n_pos > n_neg)[keep].astype("float32")
split = int(0.8 * len(y))
x_train, y_train, x_test, y_test = tokens[:split], y[:split], tokens[split:], y[split:]

model = keras.Sequential(
    [
        keras.Input((length,), dtype="int32"),
        keras.layers.Embedding(vocab, 16),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(positive rate {y.mean():.2f})")
