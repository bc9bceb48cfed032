"""A user wants a single ReLU unit to turn negative numbers into their absolute value (it only has to learn a weight of -1). The inputs are all negative, the kernel happens to start from a small positive random value and the bias from zero; training with MSE and Adam runs without error but the model outputs exactly 0 for every input. With a positive initial weight the unit's pre-activation is negative on every sample, so the ReLU is dead from the first step: its output and its gradient are zero on all the data and the weight can never move to the negative side.

Source: https://manongdao.com/q-848026.html
Causes: FD206
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(848026)


def main():
    rng = np.random.default_rng(1)
    x = rng.uniform(-2.0, -0.5, size=(2000, 1)).astype("float32")
    y = np.abs(x)
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        layers.Dense(1, activation="relu",
                     kernel_initializer=keras.initializers.RandomNormal(mean=0.05, stddev=0.02)),
    ])
    model.compile(optimizer="adam", loss="mse")
    w0 = float(model.layers[0].get_weights()[0][0, 0])
    hist = model.fit(x, y, batch_size=10, epochs=5, verbose=0)
    w1, b1 = model.layers[0].get_weights()
    print("kernel before %.4f after %.4f, bias %.4f" % (w0, float(w1[0, 0]), float(b1[0])))
    print("prediction for -1: %.4f  final mse %.4f" % (float(model.predict(np.array([[-1.0]]), verbose=0)[0, 0]), hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
