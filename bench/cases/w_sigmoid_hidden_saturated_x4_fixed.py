"""Fixed twin of w_sigmoid_hidden_saturated_x4.py: as the accepted answer suggests, inputs are scaled to [-1, 1] (x / 100) and targets to [0, 1] (y / 1e8) before training, so the sigmoid units work in their sensitive range and the output scale is reachable; predictions are scaled back for the R^2. Same network, optimizer and budget.

Source: https://stackoverflow.com/questions/52800582
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(52800582 % 100000)


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(-100, 100, size=(2000, 1)).astype("float32")
    y = (x ** 4).astype("float32")
    x_s, y_s = x / 100.0, y / 1e8
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        layers.Dense(10, activation="sigmoid"),
        layers.Dense(10, activation="elu"),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x_s, y_s, batch_size=32, epochs=10, verbose=0)
    hidden = keras.Model(model.inputs, model.layers[0].output).predict(x_s, verbose=0)
    saturated = float(np.mean((hidden < 0.01) | (hidden > 0.99)))
    pred = model.predict(x_s, verbose=0) * 1e8
    r2 = 1.0 - float(np.mean((pred - y) ** 2) / np.var(y))
    print("fraction of saturated sigmoid activations: %.2f" % saturated)
    print("final loss %.4g (scaled)  R^2 %.4f" % (hist.history["loss"][-1], r2))


if __name__ == "__main__":
    main()
