"""Fixed twin of w_filter_kernel_not_add_weight.py: the FIR filter taps are created with add_weight (same random-normal initial values), so they are tracked as a trainable weight of the layer and receive gradients. Data, optimizer and budget are unchanged; the filter converges towards the 7-tap moving average.

Source: https://github.com/haidark/WaveletDeconv/issues/1
Causes: none
"""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(1)


class LearnedFIR(layers.Layer):
    def __init__(self, taps, **kwargs):
        super().__init__(**kwargs)
        self.taps = taps

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(self.taps, 1, 1),
            initializer=keras.initializers.RandomNormal(0.0, 0.3),
            name="taps",
        )
        self.bias = self.add_weight(shape=(1,), initializer="zeros", name="bias")

    def call(self, x):
        return ops.conv(x, self.kernel, strides=1, padding="same") + self.bias


def make_data(n=512, t=64, taps=7):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, t, 1)).astype("float32")
    smooth = np.ones(taps, dtype="float32") / taps
    y = np.stack([np.convolve(row[:, 0], smooth, mode="same") for row in x])[..., None]
    return x, y.astype("float32")


def main():
    x, y = make_data()
    inp = keras.Input(shape=(64, 1))
    out = LearnedFIR(7)(inp)
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, y, batch_size=64, epochs=10, verbose=0)
    print("loss first epoch %.4f  last epoch %.4f" % (hist.history["loss"][0], hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
