"""Binary classification of the scikit-learn breast cancer data: standardised features, a
sigmoid output with binary cross-entropy, validation_split on shuffled rows.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_breast_cancer

keras.utils.set_random_seed(1)

data = load_breast_cancer()
X = data.data.astype("float32")
y = data.target.astype("float32")
order = np.random.default_rng(1).permutation(len(X))
X, y = X[order], y[order]
X = (X - X.mean(axis=0)) / X.std(axis=0)

model = keras.Sequential([
    keras.Input(shape=(X.shape[1],)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X, y, epochs=25, batch_size=32, validation_split=0.2, verbose=0)
print(f"final val accuracy {history.history['val_accuracy'][-1]:.3f}")
