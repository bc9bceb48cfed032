"""A user fits y = x**4 for x in [-100, 100] with a small MLP (a sigmoid hidden layer, an ELU layer, a linear output) and Adam; the user reports that y = x**3 works, but for x**4 the loss stays astronomically high and the fit is no better than a constant. The raw inputs are so large that the sigmoid units' pre-activations sit far in the saturated tails for almost every sample, so their gradients are ~0 and the first layer stops learning; the targets, up to 1e8, are also far beyond what the output layer can reach with small weights.

Source: https://stackoverflow.com/questions/52800582
Causes: FD206, FD103
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(52800582 % 100000)


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(-100, 100, size=(2000, 1)).astype("float32")
    y = (x ** 4).astype("float32")
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        layers.Dense(10, activation="sigmoid"),
        layers.Dense(10, activation="elu"),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    hidden = keras.Model(model.inputs, model.layers[0].output).predict(x, verbose=0)
    saturated = float(np.mean((hidden < 0.01) | (hidden > 0.99)))
    pred = model.predict(x, verbose=0)
    r2 = 1.0 - float(np.mean((pred - y) ** 2) / np.var(y))
    print("fraction of saturated sigmoid activations: %.2f" % saturated)
    print("final loss %.4g  R^2 %.4f" % (hist.history["loss"][-1], r2))


if __name__ == "__main__":
    main()
