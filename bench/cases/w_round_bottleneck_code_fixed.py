"""Fixed twin of w_round_bottleneck_code.py: the rounding Lambda is removed from the training path, so the 4-unit code stays continuous and gradients reach the encoder. The digit classifier is otherwise unchanged (same layers, optimizer, batch size and epochs); if a discrete code is wanted it can be rounded after training.

Source: https://github.com/keras-team/keras/issues/5107
Causes: none
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
    # keep the code continuous while training (clip is differentiable inside the range)
    code = layers.Lambda(lambda t: ops.clip(t, -2.0, 2.0))(code)
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
