"""A user initialises every weight and bias of a one-hidden-layer digit classifier to zero. Training runs, but the loss stays at about log(10) and accuracy at chance. With all-zero weights every hidden unit computes the same value and receives exactly the same gradient, so the units stay identical copies of each other for the whole run: the symmetry is never broken and the 32-unit layer behaves like a single unit.

Source: http://pullrequest.ru/11818227/neironnaya-set-odnim-skrytym-sloem-mozhet-byt-obuchena
Causes: FD305
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(11818227 % 100000)


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(32, activation="sigmoid", kernel_initializer="zeros", bias_initializer="zeros"),
        layers.Dense(10, activation="softmax", kernel_initializer="zeros", bias_initializer="zeros"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    k = model.layers[0].get_weights()[0]
    print("distinct hidden units after training: %d of 32" % len(np.unique(np.round(k, 6), axis=1).T))
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
