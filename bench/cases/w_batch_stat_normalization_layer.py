"""A user replaces BatchNormalization in an audio classifier with a custom per-frequency normalisation layer that standardises each frequency bin with the mean and standard deviation of the current batch (over the batch and time axes), in training and in inference alike. Training accuracy looks fine, but predictions change with the batch size: classified one clip at a time, the model is no better than a guess. The layer's output for a sample depends on the other samples in its batch; with a batch of one, the statistics come from that clip alone, which erases exactly the per-bin energy differences the classifier learned to rely on.

Source: https://github.com/keunwoochoi/kapre/issues/16
Causes: FD205
"""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(16)


class BatchFreqNormalization(layers.Layer):
    """Standardise every frequency bin with statistics of the current batch."""

    def call(self, x):                                   # x: (batch, time, freq)
        mean = ops.mean(x, axis=(0, 1), keepdims=True)
        std = ops.std(x, axis=(0, 1), keepdims=True)
        return (x - mean) / (std + 1e-5)


def make_data(n=1200, t=32, f=16):
    # 4 classes, each with extra energy in its own band of frequency bins
    rng = np.random.default_rng(12)
    y = rng.integers(0, 4, size=n)
    x = rng.gamma(2.0, 1.0, size=(n, t, f))
    for c in range(4):
        x[y == c, :, 4 * c:4 * c + 4] += 1.5
    return np.log1p(x).astype("float32"), y.astype("int32")


def build_model():
    inp = keras.Input(shape=(32, 16))
    h = BatchFreqNormalization()(inp)
    h = layers.Conv1D(16, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling1D()(h)
    out = layers.Dense(4, activation="softmax")(h)
    return keras.Model(inp, out)


def main():
    x, y = make_data()
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))
    p32 = model.predict(x[:160], batch_size=32, verbose=0).argmax(1)
    p1 = model.predict(x[:160], batch_size=1, verbose=0).argmax(1)
    print("accuracy predicting 32 at a time %.3f, one at a time %.3f" % (
        float((p32 == y[:160]).mean()), float((p1 == y[:160]).mean())))


if __name__ == "__main__":
    main()
