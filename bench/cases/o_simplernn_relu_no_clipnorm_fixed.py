"""Fixed twin of o_simplernn_relu_no_clipnorm.py: the recurrent layer uses its default bounded tanh activation and the optimizer clips the gradient norm (clipnorm=1.0), the two remedies named in the thread, so no single step can blow the weights up. Same data, layer size, SGD settings and budget.

Source: https://github.com/batzner/indrnn/issues/19
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(19)


def make_data(n=1000, t=30):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, t, 1)).astype("float32")
    y = x[:, :, 0].sum(1, keepdims=True) / np.sqrt(t / 3.0)   # unit-variance running total
    return x, y.astype("float32")


def main():
    x, y = make_data()
    model = keras.Sequential([
        keras.Input(shape=(30, 1)),
        layers.SimpleRNN(32),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, clipnorm=1.0), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]], "(target variance %.3f)" % float(y.var()))


if __name__ == "__main__":
    main()
