"""Fixed twin of o_deep_tanh_small_init_wine.py: the kernels use Glorot-uniform initialisation (the Keras default, designed for tanh) instead of N(0, 0.02), so each tanh layer roughly preserves the scale of the signal and of the gradient through the ten layers. Same data, depth, activation, optimizer and budget.

Source: https://github.com/tensorflow/tensorflow/issues/46135
Causes: none
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
    init = keras.initializers.GlorotUniform()   # variance scaled to each layer's fan-in and fan-out
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
