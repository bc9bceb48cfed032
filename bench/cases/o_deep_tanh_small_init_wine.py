"""A user builds a deep stack of tanh layers and initialises every kernel from a normal distribution with standard deviation 0.02 (a value copied from GAN recipes); training with SGD runs without error but the gradient "does not drop" and the loss stays at the chance level. With weights of std 0.02 on 64-unit layers, each layer scales its input by about 0.02 * sqrt(64) = 0.16, so the forward signal and the back-propagated gradient shrink by that factor per layer: after ten tanh layers the first layers receive gradients about 1e-8 times smaller than the last one.

Source: https://github.com/tensorflow/tensorflow/issues/46135
Causes: FD303
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_wine

keras.utils.set_random_seed(46135)


def main():
    wine = load_wine()
    x = ((wine.data - wine.data.mean(0)) / wine.data.std(0)).astype("float32")
    y = wine.target.astype("int32")
    init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    model = keras.Sequential([keras.Input(shape=(13,))]
                             + [layers.Dense(64, activation="tanh", kernel_initializer=init) for _ in range(10)]
                             + [layers.Dense(3, activation="softmax", kernel_initializer=init)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=16, epochs=20, verbose=0)
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
