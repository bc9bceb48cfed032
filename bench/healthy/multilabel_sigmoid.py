"""Multi-label tagging: each sample carries any subset of four tags, predicted with four
independent sigmoid outputs and binary cross-entropy.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_multilabel_classification

keras.utils.set_random_seed(24)

X, Y = make_multilabel_classification(n_samples=1500, n_features=15, n_classes=4, n_labels=2,
                                      random_state=24)
X = np.log1p(X).astype("float32")
X = (X - X.mean(axis=0)) / X.std(axis=0)
Y = Y.astype("float32")

model = keras.Sequential([
    keras.Input(shape=(15,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(4, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
model.fit(X[:1200], Y[:1200], epochs=15, batch_size=32, verbose=0)
print(f"test per-tag accuracy {model.evaluate(X[1200:], Y[1200:], verbose=0)[1]:.3f} "
      f"(always-0 baseline {1 - Y[1200:].mean():.3f})")
