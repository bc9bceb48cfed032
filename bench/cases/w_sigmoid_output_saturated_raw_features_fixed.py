"""Fixed twin of w_sigmoid_output_saturated_raw_features.py: every feature is standardised (zero mean, unit variance) before training, so the pre-activations start of order one, the sigmoid output is in its sensitive range and the gradients flow. Same network, optimizer and budget.

Source: https://github.com/keras-team/keras/issues/4171
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(4171)


def make_data(n=3000, d=20):
    rng = np.random.default_rng(17)
    scale = rng.uniform(500, 5000, size=d)
    offset = rng.uniform(1000, 20000, size=d)
    z = rng.standard_normal((n, d))
    w = rng.normal(0, 1, size=d)
    y = ((z @ w + 0.5 * z[:, 0] * z[:, 1]) > 0).astype("float32")
    x = z * scale + offset                      # raw features: large, uncentred
    return x.astype("float32"), y


def main():
    x, y = make_data()
    x = (x - x.mean(axis=0)) / x.std(axis=0)      # standardise every feature
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(256), layers.PReLU(),
        layers.Dense(128), layers.PReLU(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=64, epochs=5, verbose=0)
    p = model.predict(x[:500], verbose=0)
    print("outputs saturated (<1e-4 or >1-1e-4): %.2f" % float(np.mean((p < 1e-4) | (p > 1 - 1e-4))))
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]], " accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
