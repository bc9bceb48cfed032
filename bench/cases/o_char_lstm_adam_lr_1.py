"""A character-level language model (Embedding, LSTM, softmax over the vocabulary) is configured with Adam at learning rate 1.0, copied from a config file written for a different optimizer; the loss starts far above chance and never gets below the loss of a uniform guess over the characters, with no error. Adam's per-step update is roughly the learning rate for every weight, so steps of size 1.0 throw the embedding and LSTM weights far across the loss surface at every batch; the model saturates its gates and ends up predicting the most frequent characters, never converging.

Source: https://github.com/rajveermalviya/language-modeling/issues/3
Causes: FD301
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(3)

WORDS = ["the", "cat", "sat", "on", "mat", "dog", "log", "ran", "to", "and", "met", "bird",
         "under", "table", "quickly", "garden", "window", "yellow"]
TEXT = " ".join(np.random.default_rng(0).choice(WORDS, size=900))


def make_windows(text, window=20):
    chars = sorted(set(text))
    idx = {c: i for i, c in enumerate(chars)}
    ids = np.array([idx[c] for c in text])
    x = np.stack([ids[i:i + window] for i in range(0, len(ids) - window - 1, 3)])
    y = np.array([ids[i + window] for i in range(0, len(ids) - window - 1, 3)])
    return x.astype("int32"), y.astype("int32"), len(chars)


def main():
    x, y, vocab = make_windows(TEXT)
    model = keras.Sequential([
        keras.Input(shape=(20,), dtype="int32"),
        layers.Embedding(vocab, 16),
        layers.LSTM(64),
        layers.Dense(vocab, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=64, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("final accuracy %.4f (vocabulary of %d characters)" % (hist.history["accuracy"][-1], vocab))


if __name__ == "__main__":
    main()
