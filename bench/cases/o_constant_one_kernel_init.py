"""A user builds a three-layer MLP (512 ReLU, 512 ReLU, softmax) and, to see gradients explode on purpose, initialises every kernel with Constant(1.0) and uses SGD with learning rate 0.1; instead of exploding, the loss is astronomical in the first epoch and then sits at log(2) with chance accuracy. With every weight equal to 1 the pre-activations are enormous (hundreds in the first layer, ~1e5 in the second), so the softmax is saturated and the cross-entropy is huge or flat, and because all units in a layer are identical they receive identical updates and can never become different: the initialisation, not the data, decides the outcome.

Source: https://github.com/keras-team/keras/issues/10847
Causes: FD305
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(10847)


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = keras.utils.to_categorical(digits.target % 2, 2)  # odd vs even digit
    init = keras.initializers.Constant(1.0)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(512, activation="relu", kernel_initializer=init, bias_initializer="zeros"),
        layers.Dense(512, activation="relu", kernel_initializer=init, bias_initializer="zeros"),
        layers.Dense(2, activation="softmax", kernel_initializer=init, bias_initializer="zeros"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("final accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
