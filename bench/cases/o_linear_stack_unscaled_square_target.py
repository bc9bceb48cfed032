"""A toy regression that a user expected to be trivial: x = 0..99 (standardised) and y = x**2 + 3 (raw, up to ~9800), fitted by two stacked Dense(1) layers with no activation, MSE and the default 'sgd' optimizer. The loss explodes within a few steps and ends as inf/NaN; only a tiny learning rate avoids it. With targets in the thousands the first gradients are huge, and through the product of the two layers' weights the effective curvature grows with every overshoot, so SGD at learning rate 0.01 diverges.

Source: https://stats.stackexchange.com/questions/418955
Causes: FD301, FD103
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(418955)


def main():
    x = np.arange(100, dtype="float32")[:, None]
    y = x ** 2 + 3
    x_normed = (x - x.mean()) / x.std()
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    hist = model.fit(x_normed, y, epochs=30, verbose=0)
    print("loss: first %.4g  last %.4g" % (hist.history["loss"][0], hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
