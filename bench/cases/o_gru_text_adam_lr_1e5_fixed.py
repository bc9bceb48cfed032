"""Fixed twin of o_gru_text_adam_lr_1e5.py: Adam's learning rate is raised from 1e-5 to 1e-2, a normal value for a small model trained from scratch, so the same number of steps is enough to learn the topic keywords. Same data, model and budget.

Source: https://github.com/lucasjinreal/keras_frcnn/issues/76
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(76)


def make_data(n=1500, t=25, vocab=200):
    # each topic has its own 20 keywords; a document is noise tokens plus a few keywords of its topic
    rng = np.random.default_rng(6)
    y = rng.integers(0, 3, size=n)
    x = rng.integers(60, vocab, size=(n, t))
    for i in range(n):
        pos = rng.choice(t, size=5, replace=False)
        x[i, pos] = rng.integers(0, 20, size=5) + 20 * y[i]
    return x.astype("int32"), y.astype("int32")


def main():
    x, y = make_data()
    model = keras.Sequential([
        keras.Input(shape=(25,), dtype="int32"),
        layers.Embedding(200, 16),
        layers.GRU(16),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
