"""A user emulates simple linear regression in Keras: one Dense(1) unit, MSE, plain SGD with its default learning rate, batch_size=1, predicting sales from raw advertising spend (values in the hundreds). Every epoch reports a NaN loss; only an absurdly small learning rate (1e-7) gives a sensible line. With raw inputs of size ~300 the curvature of the MSE in the weight is about 2 * mean(x^2) ~ 1e5, so any learning rate above ~2e-5 makes each SGD step overshoot further and the weights blow up to inf/NaN within the first epoch.

Source: https://stats.stackexchange.com/questions/284189
Causes: FD301, FD102
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
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    hist = model.fit(x, y, batch_size=1, epochs=3, shuffle=False, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("weights:", [w.ravel().tolist() for w in model.get_weights()])


if __name__ == "__main__":
    main()
