"""A subclassed keras.Model with a residual block, classifying scikit-learn's make_blobs
clusters (five classes) with sparse cross-entropy.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_blobs

keras.utils.set_random_seed(13)


class ResidualMLP(keras.Model):
    def __init__(self, hidden, n_classes, **kwargs):
        super().__init__(**kwargs)
        self.inp = keras.layers.Dense(hidden, activation="relu")
        self.block1 = keras.layers.Dense(hidden, activation="relu")
        self.block2 = keras.layers.Dense(hidden)
        self.out = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, x, training=False):
        h = self.inp(x)
        h = keras.activations.relu(h + self.block2(self.block1(h)))
        return self.out(h)


X, y = make_blobs(n_samples=1500, centers=5, n_features=6, cluster_std=2.5, random_state=13)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")

model = ResidualMLP(32, 5)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X[:1200], y[:1200], epochs=15, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(X[1200:], y[1200:], verbose=0)[1]:.3f}")
