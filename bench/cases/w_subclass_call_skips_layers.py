"""A subclassed model defines a stack of Dense layers in __init__, but its call() feeds the raw inputs to every layer instead of chaining the previous output, so only the last layer's output reaches the loss. Training on the two-circles problem runs with no error (Keras only warns that some variables have no gradient), yet accuracy stalls at what a linear classifier can do. The hidden layers are not on the loss path: they get no gradient and the model is effectively a single linear layer on the inputs.

Source: https://github.com/tensorflow/tensorflow/issues/36880
Causes: FD204
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import make_circles

keras.utils.set_random_seed(36880)


class RingNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.linear1 = layers.Dense(32, activation="relu")
        self.linear2 = layers.Dense(32, activation="relu")
        self.linear3 = layers.Dense(1, activation="sigmoid")

    def call(self, x):
        h = self.linear1(x)
        h = self.linear2(x)
        return self.linear3(x)


def main():
    x, y = make_circles(n_samples=800, noise=0.08, factor=0.5, random_state=0)
    x = x.astype("float32")
    y = y.astype("float32")
    model = RingNet()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
