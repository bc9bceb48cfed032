"""MLP regression on scikit-learn's Friedman #1 function with standardised inputs and targets,
trained with Adam and mean squared error.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_friedman1

keras.utils.set_random_seed(0)

X, y = make_friedman1(n_samples=1200, n_features=8, noise=0.3, random_state=0)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
y = ((y - y.mean()) / y.std()).astype("float32")
X_train, X_test, y_train, y_test = X[:1000], X[1000:], y[:1000], y[1000:]

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
model.fit(X_train, y_train, epochs=30, batch_size=32, verbose=0)

mse, mae = model.evaluate(X_test, y_test, verbose=0)
print(f"test mse {mse:.3f} (target variance 1.0), test mae {mae:.3f}")
