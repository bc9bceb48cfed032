"""Noisy synthetic regression (scikit-learn's make_regression) with a held-out validation set,
EarlyStopping(restore_best_weights=True) and ReduceLROnPlateau.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_regression

keras.utils.set_random_seed(22)

X, y = make_regression(n_samples=1500, n_features=10, n_informative=6, noise=60.0, random_state=22)
X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
y = ((y - y.mean()) / y.std()).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
callbacks = [
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2),
]
history = model.fit(X[:1200], y[:1200], validation_data=(X[1200:], y[1200:]), epochs=40,
                    batch_size=32, callbacks=callbacks, verbose=0)
print(f"stopped after {len(history.history['loss'])} epochs, best val mse "
      f"{min(history.history['val_loss']):.3f} (target variance 1.0)")
