"""A user tries to fit the curve f(x) = -1 / (exp(10 x) + 1) on [-1, 1] with a single Dense unit with a sigmoid activation, MSE and Adam. Training runs quietly but the fitted curve never follows the target; the loss stops far above zero. Every target value is negative while a sigmoid can only produce values in (0, 1), so the best the model can do is push its output towards 0 everywhere.

Source: https://stackoverflow.com/questions/58887284
Causes: FD207
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(58887284 % 100000)


def target(x):
    return -1.0 / (np.exp(10.0 * x) + 1.0)


def main():
    x = np.linspace(-1, 1, 111).reshape(-1, 1).astype("float32")
    y = target(x).astype("float32")
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=40, verbose=0)
    pred = model.predict(x, verbose=0)
    print("prediction range [%.3f, %.3f], target range [%.3f, %.3f]" % (pred.min(), pred.max(), y.min(), y.max()))
    print("final mse %.5f" % hist.history["loss"][-1])


if __name__ == "__main__":
    main()
