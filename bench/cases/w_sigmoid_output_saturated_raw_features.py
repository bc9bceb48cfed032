"""A user trains an MLP (two wide PReLU layers, a sigmoid output, binary cross-entropy, Adam) on raw numerical tabular features whose values are in the thousands. The loss is enormous (hundreds, then tens) and jumps around instead of settling, far above what the same network reaches on scaled data. The huge inputs drive the output unit's pre-activation to hundreds or thousands, so the sigmoid is saturated at 0 or 1 for almost every sample; where the probability is clipped the cross-entropy has no gradient, so misclassified samples keep a large, constant loss and the output unit cannot be brought back into its sensitive range.

Source: https://github.com/keras-team/keras/issues/4171
Causes: FD206, FD102
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
