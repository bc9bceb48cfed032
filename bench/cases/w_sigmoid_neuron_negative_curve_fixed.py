"""Fixed twin of w_sigmoid_neuron_negative_curve.py: following the accepted answer, the targets are mapped into the sigmoid's range before training (the model learns -f(x) = 1 / (exp(10 x) + 1), which lies in (0, 1)) and the prediction is mapped back by negating it. Same single sigmoid unit, optimizer and budget.

Source: https://stackoverflow.com/questions/58887284
Causes: none
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
    y_train = -y  # in (0, 1): reachable by a sigmoid
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, y_train, batch_size=4, epochs=40, verbose=0)
    pred = -model.predict(x, verbose=0)
    print("prediction range [%.3f, %.3f], target range [%.3f, %.3f]" % (pred.min(), pred.max(), y.min(), y.max()))
    print("final mse %.5f" % hist.history["loss"][-1])


if __name__ == "__main__":
    main()
