"""A small network predicts a score between 0 and 100 from 12 standardised features, with one hidden layer and a sigmoid on the single output unit, trained with MSE. There is no error, but every prediction saturates at about 1.0 and the loss stays in the thousands. A sigmoid output can only produce values in (0, 1), far below targets that range up to 100, so the output unit is pushed into saturation and the model cannot fit the data.

Source: https://stackoverflow.com/questions/14982358
Causes: FD207
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(14982358 % 100000)


def make_data(n=1000, d=12):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((n, d)).astype("float32")
    w = rng.normal(0, 1, size=d)
    z = x @ w / np.sqrt(d) + 0.3 * np.sin(2 * x[:, 0])
    y = 100.0 / (1.0 + np.exp(-1.5 * z))          # scores in (0, 100)
    return x, y.reshape(-1, 1).astype("float32")


def main():
    x, y = make_data()
    model = keras.Sequential([
        keras.Input(shape=(12,)),
        layers.Dense(20, activation="sigmoid"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    hist = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    pred = model.predict(x[:200], verbose=0)
    print("predictions in [%.3f, %.3f], targets in [%.1f, %.1f]" % (pred.min(), pred.max(), y.min(), y.max()))
    print("final mse %.2f  mae %.2f" % (hist.history["loss"][-1], hist.history["mae"][-1]))


if __name__ == "__main__":
    main()
