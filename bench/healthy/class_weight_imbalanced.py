"""A mildly imbalanced binary problem (about 1 positive in 5) trained with class_weight
computed from the label frequencies; reports balanced accuracy.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_classification

keras.utils.set_random_seed(21)

X, y = make_classification(n_samples=2000, n_features=10, n_informative=5, weights=[0.8, 0.2],
                           class_sep=1.0, random_state=21)
X = X.astype("float32")
y = y.astype("float32")
counts = np.bincount(y[:1600].astype(int))
class_weight = {c: len(y[:1600]) / (2.0 * counts[c]) for c in (0, 1)}

model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X[:1600], y[:1600], epochs=15, batch_size=32, class_weight=class_weight, verbose=0)
pred = (model.predict(X[1600:], verbose=0)[:, 0] > 0.5)
truth = y[1600:] > 0.5
balanced = 0.5 * (np.mean(pred[truth]) + np.mean(~pred[~truth]))
print(f"class weights {class_weight}, test balanced accuracy {balanced:.3f}")
