"""Variable-length token sequences, zero-padded, fed to Embedding(mask_zero=True) and an LSTM;
the label says whether the "keyword" token 7 occurs in the sequence.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(10)
rng = np.random.default_rng(10)

vocab, maxlen, n = 50, 15, 1200
seqs = np.zeros((n, maxlen), dtype="int32")
labels = np.zeros(n, dtype="float32")
for i in range(n):
    length = rng.integers(4, maxlen + 1)
    tokens = rng.integers(1, vocab, size=length)
    tokens[tokens == 7] = 8
    if rng.random() < 0.5:
        tokens[rng.integers(0, length)] = 7
        labels[i] = 1.0
    seqs[i, :length] = tokens

model = keras.Sequential([
    keras.Input(shape=(maxlen,), dtype="int32"),
    keras.layers.Embedding(vocab, 16, mask_zero=True),
    keras.layers.LSTM(16),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(seqs[:1000], labels[:1000], epochs=8, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(seqs[1000:], labels[1000:], verbose=0)[1]:.3f}")
