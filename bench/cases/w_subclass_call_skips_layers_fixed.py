"""Fixed twin of w_subclass_call_skips_layers.py: call() now chains the layers (each layer takes the previous layer's output), so all three Dense layers are on the loss path and receive gradients. Data, optimizer and budget are unchanged.

Source: https://github.com/tensorflow/tensorflow/issues/36880
Causes: none
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
        h = self.linear2(h)
        return self.linear3(h)


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
