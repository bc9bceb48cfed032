"""Fixed twin of o_constant_one_kernel_init.py: the kernels use Keras' default Glorot-uniform initialisation instead of Constant(1.0), so units start different from each other and pre-activations are of order one. Same data, layers, SGD learning rate 0.1 and budget.

Source: https://github.com/keras-team/keras/issues/10847
Causes: none
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
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(512, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("final accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
