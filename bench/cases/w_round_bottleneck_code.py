"""A digit classifier squeezes its features through a small 4-unit "code" layer and then rounds (and clips) that code to integers with a Lambda, so that the downstream head works on a discrete code. Training runs without an error, but accuracy stays low and the encoder weights never move. Rounding has no gradient, so every layer before the Lambda is cut off from the loss and stays at its random initialisation; only the head after the rounding is trained.

Source: https://github.com/keras-team/keras/issues/5107
Causes: FD204
"""
import numpy as np
import keras
from keras import layers, ops
from sklearn.datasets import load_digits

keras.utils.set_random_seed(5107)


def build_model():
    inp = keras.Input(shape=(64,))
    h = layers.Dense(32, activation="relu")(inp)
    code = layers.Dense(4, name="code")(h)
    # discretise the code: clip to [-2, 2] and round to the nearest integer
    code = layers.Lambda(lambda t: ops.round(ops.clip(t, -2.0, 2.0)))(code)
    h = layers.Dense(32, activation="relu")(code)
    out = layers.Dense(10, activation="softmax")(h)
    return keras.Model(inp, out)


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    before = model.get_layer("code").get_weights()[0].copy()
    hist = model.fit(x, y, batch_size=64, epochs=10, verbose=0)
    after = model.get_layer("code").get_weights()[0]
    print("code kernel change:", float(np.abs(after - before).max()))
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
