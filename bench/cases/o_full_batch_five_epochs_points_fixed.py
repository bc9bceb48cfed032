"""Fixed twin of o_full_batch_five_epochs_points.py: the same model and 5 epochs with a batch of one sample, as the exercise's comparison does, so the weights are updated once per sample (2450 SGD steps) and the red and blue points are separated.

Measured here (TensorFlow CPU): test accuracy 0.99.

Source: https://campus.datacamp.com/pt/courses/introduction-to-deep-learning-with-keras/improving-your-model-performance?ex=10
Causes: none
"""
import numpy as np
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split

import keras

keras.utils.set_random_seed(5)

X, y = make_circles(n_samples=700, noise=0.08, factor=0.5, random_state=5)
X = X.astype("float32")
y = y.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=5)


def get_model():
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(50, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


model = get_model()
model.fit(X_train, y_train, epochs=5, batch_size=1, verbose=0)
print("The accuracy when using a batch of size 1 is: %.3f" % model.evaluate(X_test, y_test, verbose=0)[1])
