"""Fixed twin of o_char_lstm_adam_lr_1.py: Adam's learning rate is lowered from 1.0 to 0.01 (the accepted fix was Adam's default range), so each step moves the weights by a small amount and the character model converges. Same text, model and budget.

Source: https://github.com/rajveermalviya/language-modeling/issues/3
Causes: none
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
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=64, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("final accuracy %.4f (vocabulary of %d characters)" % (hist.history["accuracy"][-1], vocab))


if __name__ == "__main__":
    main()
