"""Fixed twin of w_attention_softmax_batch_axis.py: the attention Softmax normalises over axis=1, the time axis, so each sample's weights sum to one over its own time steps and no longer depend on the rest of the batch. Data, GRU, optimizer and budget are unchanged.

Source: https://github.com/tensorflow/tensorflow/issues/48647
Causes: none
"""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(48647)


def make_data(n=1200, t=20, vocab=30):
    # class = which of 4 marker tokens (1..4) appears once somewhere in a sequence of noise tokens
    rng = np.random.default_rng(0)
    x = rng.integers(5, vocab, size=(n, t))
    y = rng.integers(0, 4, size=n)
    pos = rng.integers(0, t, size=n)
    x[np.arange(n), pos] = y + 1
    return x.astype("int32"), y.astype("int32")


def build_model(vocab=30, t=20):
    inp = keras.Input(shape=(t,), dtype="int32")
    h = layers.Embedding(vocab, 16)(inp)
    h = layers.GRU(16, return_sequences=True)(h)
    scores = layers.Dense(1)(h)                      # (batch, time, 1)
    weights = layers.Softmax(axis=1)(scores)         # normalise over the time axis
    pooled = layers.Lambda(lambda a: ops.sum(a[0] * a[1], axis=1))([h, weights])
    out = layers.Dense(4, activation="softmax")(pooled)
    return keras.Model(inp, out)


def main():
    x, y = make_data()
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
    p32 = model.predict(x[:96], batch_size=32, verbose=0)
    p1 = model.predict(x[:96], batch_size=1, verbose=0)
    print("accuracy predicting 32 at a time %.3f, one at a time %.3f" % (
        float((p32.argmax(1) == y[:96]).mean()), float((p1.argmax(1) == y[:96]).mean())))


if __name__ == "__main__":
    main()
