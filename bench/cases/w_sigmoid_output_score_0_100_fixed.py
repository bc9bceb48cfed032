"""Fixed twin of w_sigmoid_output_score_0_100.py: the targets are divided by 100 before training so they lie in the sigmoid output's range (predictions are multiplied by 100 afterwards). Same network, optimizer and budget; the reported errors are on the original 0..100 scale.

Source: https://stackoverflow.com/questions/14982358
Causes: none
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
    hist = model.fit(x, y / 100.0, batch_size=32, epochs=15, verbose=0)
    pred = 100.0 * model.predict(x, verbose=0)
    print("predictions in [%.3f, %.3f], targets in [%.1f, %.1f]" % (pred[:200].min(), pred[:200].max(), y.min(), y.max()))
    print("final mse %.2f  mae %.2f (0..100 scale)" % (float(np.mean((pred - y) ** 2)), float(np.mean(np.abs(pred - y)))))


if __name__ == "__main__":
    main()
