"""Fixed twin of o_simplernn_randn_init_nan.py: the SimpleRNN keeps Keras' default initialisers (Glorot-uniform input kernel, orthogonal recurrent kernel, whose spectral radius is 1), so the hidden state neither explodes nor vanishes over the 30 steps. Same data, ReLU activation, optimizer and budget.

Source: https://ai.stackexchange.com/questions/36451
Causes: none
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
    model = keras.Sequential([
        keras.Input(shape=(30, 1)),
        layers.SimpleRNN(32, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]], "(target variance %.3f)" % float(y.var()))


if __name__ == "__main__":
    main()
