"""Fixed twin of w_relu_unit_dead_negative_inputs.py: the ReLU unit's bias starts at 1.0 instead of 0, so its pre-activation is positive on the (negative) inputs at initialisation, the unit is alive, gradients flow and the weight moves to about -1. Same data, initial kernel, optimizer and budget.

Source: https://manongdao.com/q-848026.html
Causes: none
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
                     kernel_initializer=keras.initializers.RandomNormal(mean=0.05, stddev=0.02),
                     bias_initializer=keras.initializers.Constant(1.0)),
    ])
    model.compile(optimizer="adam", loss="mse")
    w0 = float(model.layers[0].get_weights()[0][0, 0])
    hist = model.fit(x, y, batch_size=10, epochs=5, verbose=0)
    w1, b1 = model.layers[0].get_weights()
    print("kernel before %.4f after %.4f, bias %.4f" % (w0, float(w1[0, 0]), float(b1[0])))
    print("prediction for -1: %.4f  final mse %.4f" % (float(model.predict(np.array([[-1.0]]), verbose=0)[0, 0]), hist.history["loss"][-1]))


if __name__ == "__main__":
    main()
