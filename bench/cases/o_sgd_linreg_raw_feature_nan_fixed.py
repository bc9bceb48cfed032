"""Fixed twin of o_sgd_linreg_raw_feature_nan.py: as in the accepted answer, the feature and the target are standardised (zero mean, unit variance) before training, which brings the MSE curvature down to ~2 so the default SGD learning rate 0.01 is stable; predictions are mapped back to sales units for the reported error. Same model, optimizer, batch size and epochs.

Source: https://stats.stackexchange.com/questions/284189
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(284189)


def make_data(n=200):
    rng = np.random.default_rng(4)
    tv = rng.uniform(0, 300, size=(n, 1))
    sales = 7.0 + 0.047 * tv + rng.normal(0, 2.5, size=(n, 1))
    return tv.astype("float32"), sales.astype("float32")


def main():
    x, y = make_data()
    x_mu, x_sd, y_mu, y_sd = x.mean(), x.std(), y.mean(), y.std()
    xs, ys = (x - x_mu) / x_sd, (y - y_mu) / y_sd
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    hist = model.fit(xs, ys, batch_size=1, epochs=3, shuffle=False, verbose=0)
    pred = model.predict(xs, verbose=0) * y_sd + y_mu
    print("loss per epoch (standardised):", [float("%.4g" % v) for v in hist.history["loss"]])
    print("mse in sales units: %.3f (noise variance 6.25)" % float(np.mean((pred - y) ** 2)))


if __name__ == "__main__":
    main()
