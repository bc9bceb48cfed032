"""Fixed twin of o_deep_sigmoid_mlp_binary_codes.py: the hidden layers use ReLU with He-normal initialisation, as the answer recommends, so the back-propagated signal keeps its scale through the eight layers. Same data, depth, width, SGD settings and budget.

Source: https://ai.stackexchange.com/questions/16557
Causes: none
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
                             + [layers.Dense(128, activation="relu", kernel_initializer="he_normal") for _ in range(8)]
                             + [layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    print("loss: first %.4f  last %.4f  (target variance 1.0)" % (hist.history["loss"][0], hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
