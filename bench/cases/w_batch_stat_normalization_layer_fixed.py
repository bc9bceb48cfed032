"""Fixed twin of w_batch_stat_normalization_layer.py: the per-frequency normalisation uses statistics computed once on the training set and stored in the layer (as the maintainer suggested, like BatchNormalization's moving statistics), so each sample is normalised independently of its batch and predictions no longer depend on the batch size. Same data, network, optimizer and budget.

Source: https://github.com/keunwoochoi/kapre/issues/16
Causes: none
"""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(16)


class FreqNormalization(layers.Layer):
    """Standardise every frequency bin with fixed statistics measured on the training set."""

    def __init__(self, mean, std, **kwargs):
        super().__init__(**kwargs)
        self.mean = np.asarray(mean, dtype="float32")
        self.std = np.asarray(std, dtype="float32")

    def call(self, x):                                   # x: (batch, time, freq)
        return (x - self.mean) / (self.std + 1e-5)


def make_data(n=1200, t=32, f=16):
    # 4 classes, each with extra energy in its own band of frequency bins
    rng = np.random.default_rng(12)
    y = rng.integers(0, 4, size=n)
    x = rng.gamma(2.0, 1.0, size=(n, t, f))
    for c in range(4):
        x[y == c, :, 4 * c:4 * c + 4] += 1.5
    return np.log1p(x).astype("float32"), y.astype("int32")


def build_model(mean, std):
    inp = keras.Input(shape=(32, 16))
    h = FreqNormalization(mean, std)(inp)
    h = layers.Conv1D(16, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling1D()(h)
    out = layers.Dense(4, activation="softmax")(h)
    return keras.Model(inp, out)


def main():
    x, y = make_data()
    model = build_model(x.mean(axis=(0, 1)), x.std(axis=(0, 1)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
    p32 = model.predict(x[:160], batch_size=32, verbose=0).argmax(1)
    p1 = model.predict(x[:160], batch_size=1, verbose=0).argmax(1)
    print("accuracy predicting 32 at a time %.3f, one at a time %.3f" % (
        float((p32 == y[:160]).mean()), float((p1 == y[:160]).mean())))


if __name__ == "__main__":
    main()
