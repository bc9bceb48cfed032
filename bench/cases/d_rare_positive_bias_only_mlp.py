"""A three-layer MLP is trained on tabular data where only about 2% of the rows are positive. After an epoch or two the loss stops improving and the confusion matrix never changes again: every row is predicted negative, accuracy equals the share of negatives, and recall on the positives is 0. With so few positives, the constant "always negative" output already reaches a low cross-entropy, so the network learns little beyond its output bias.

Source: https://datascience.stackexchange.com/questions/19283/why-mlp-only-learns-bias-for-unbalanced-binary-classification
Causes: FD104
"""
import numpy as np
from sklearn.datasets import make_classification

import keras
from keras import layers

keras.utils.set_random_seed(13)

x, y = make_classification(
    n_samples=4000, n_features=20, n_informative=6, weights=[0.98], class_sep=0.8, flip_y=0.0, random_state=13
)
x = ((x - x.mean(0)) / x.std(0)).astype("float32")
y = y.astype("float32")

model = keras.Sequential(
    [
        keras.Input((20,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(8, activation="relu"),
        layers.Dense(8, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=10, batch_size=128, verbose=2)
pred = model.predict(x, verbose=0)[:, 0] > 0.5
recall = pred[y == 1].mean()
tnr = (~pred[y == 0]).mean()
print("accuracy %.3f  positives %.3f  recall %.3f  balanced acc %.3f" % (
    hist.history["accuracy"][-1], y.mean(), recall, (recall + tnr) / 2))
