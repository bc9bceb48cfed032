"""Fixed twin of o_linear_stack_unscaled_square_target.py: the target is standardised too (as the poster found, the unscaled target was the trigger), so the default SGD learning rate is stable; the loss reported on the original scale is that of the best linear fit. Same two linear layers, optimizer and epochs.

Source: https://stats.stackexchange.com/questions/418955
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(418955)


def main():
    x = np.arange(100, dtype="float32")[:, None]
    y = x ** 2 + 3
    x_normed = (x - x.mean()) / x.std()
    y_mu, y_sd = y.mean(), y.std()
    y_normed = (y - y_mu) / y_sd
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    hist = model.fit(x_normed, y_normed, epochs=30, verbose=0)
    pred = model.predict(x_normed, verbose=0) * y_sd + y_mu
    print("loss (standardised): first %.4g  last %.4g" % (hist.history["loss"][0], hist.history["loss"][-1]))
    print("mse on original scale %.4g (target variance %.4g)" % (float(np.mean((pred - y) ** 2)), float(y.var())))


if __name__ == "__main__":
    main()
