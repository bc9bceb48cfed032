"""A user swaps the SimpleRNN's default tanh for activation='relu' and trains it with SGD (momentum 0.9, learning rate 0.01) and no gradient clipping, to regress the running total of a noisy input sequence. The loss jumps around at the level of the target variance and then turns into NaN, while the same network with tanh trains. With an unbounded ReLU in the recurrence, the hidden state and the back-propagated gradient are multiplied by the recurrent matrix at every time step, so occasional gradients grow by orders of magnitude; without clipping one such step throws the weights away and the run ends in overflow.

Source: https://github.com/batzner/indrnn/issues/19
Causes: FD304
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
        layers.SimpleRNN(32, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]], "(target variance %.3f)" % float(y.var()))


if __name__ == "__main__":
    main()
