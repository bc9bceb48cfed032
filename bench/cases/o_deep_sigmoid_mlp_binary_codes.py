"""A user maps binary feature vectors to real-valued outputs with a deep fully connected network in which every hidden layer uses a sigmoid activation, trained with plain SGD. The network does not learn: the loss stays high even on the training data. The sigmoid's derivative is at most 0.25, so the error signal shrinks by at least that factor (and usually much more) through each hidden layer; the layers nearest the input receive gradients orders of magnitude smaller than the top layer and barely move.

Source: https://ai.stackexchange.com/questions/16557
Causes: FD303
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(16557)


def make_data(n=2000, d=32):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 2, size=(n, d)).astype("float32")
    w1 = rng.normal(0, 1, size=(d, 8))
    w2 = rng.normal(0, 1, size=(8,))
    y = np.tanh((x - 0.5) @ w1 / 2.0) @ w2
    y = (y - y.mean()) / y.std()
    return x, y.reshape(-1, 1).astype("float32")


def main():
    x, y = make_data()
    model = keras.Sequential([keras.Input(shape=(32,))]
                             + [layers.Dense(128, activation="sigmoid") for _ in range(8)]
                             + [layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    print("loss: first %.4f  last %.4f  (target variance 1.0)" % (hist.history["loss"][0], hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
