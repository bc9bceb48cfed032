"""A user's recurrent model initialises its input and recurrent weight matrices from a standard normal distribution (stddev 1, as with np.random.randn) instead of a scaled initialiser; the network only reached poor accuracy, while dividing the initial weights by a large factor made it learn. In this Keras version (ReLU SimpleRNN on a running-total task), the recurrent matrix with unit-variance entries has a spectral radius of about sqrt(32) ~ 5.7, so the hidden state and the gradients grow by that factor at every one of the 30 time steps: the first forward pass already overflows and the loss is NaN from the start.

Source: https://ai.stackexchange.com/questions/36451
Causes: FD305, FD304
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(36451)


def make_data(n=1000, t=30):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, t, 1)).astype("float32")
    y = x[:, :, 0].sum(1, keepdims=True) / np.sqrt(t / 3.0)
    return x, y.astype("float32")


def main():
    x, y = make_data()
    randn = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)
    model = keras.Sequential([
        keras.Input(shape=(30, 1)),
        layers.SimpleRNN(32, activation="relu", kernel_initializer=randn, recurrent_initializer=randn),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]], "(target variance %.3f)" % float(y.var()))


if __name__ == "__main__":
    main()
