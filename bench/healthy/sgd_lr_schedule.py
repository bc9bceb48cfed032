"""Regression on scikit-learn's diabetes data (standardised inputs and targets) with SGD
momentum and an exponentially decaying learning-rate schedule.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_diabetes

keras.utils.set_random_seed(20)

X, y = load_diabetes(return_X_y=True)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
y = ((y - y.mean()) / y.std()).astype("float32")

schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.02, decay_steps=100, decay_rate=0.5)
model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9), loss="mse")
history = model.fit(X[:350], y[:350], epochs=40, batch_size=16, verbose=0)
print(f"train mse {history.history['loss'][0]:.3f} -> {history.history['loss'][-1]:.3f}, "
      f"test mse {model.evaluate(X[350:], y[350:], verbose=0):.3f} (target variance 1.0)")
