"""Variable-length token sequences (5 to 25 tokens, post-padded with id 0) read by
Embedding(mask_zero=True) -> GRU, so the padding is skipped. Label: more 'positive' ids
(1-20) than 'negative' ids (21-40) in the sequence; sigmoid + binary cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

vocab, max_len, n = 200, 25, 2500
lengths = rng.integers(5, max_len + 1, n)
tokens = np.zeros((n, max_len), dtype="int32")
for i, length in enumerate(lengths):
    tokens[i, :length] = rng.integers(1, vocab, length)
n_pos = ((tokens >= 1) & (tokens <= 20)).sum(1)
n_neg = ((tokens >= 21) & (tokens <= 40)).sum(1)
keep = n_pos != n_neg
tokens, y = tokens[keep], (n_pos > n_neg)[keep].astype("float32")
split = int(0.8 * len(y))
x_train, y_train, x_test, y_test = tokens[:split], y[:split], tokens[split:], y[split:]

model = keras.Sequential(
    [
        keras.Input((max_len,), dtype="int32"),
        keras.layers.Embedding(vocab, 16, mask_zero=True),
        keras.layers.GRU(32),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(positive rate {y.mean():.2f})")
