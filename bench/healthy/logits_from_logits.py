"""Four-class synthetic classification where the model outputs raw logits and the loss is
told so with from_logits=True; predictions go through softmax only at inference.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_classification

keras.utils.set_random_seed(5)

X, y = make_classification(n_samples=1500, n_features=12, n_informative=8, n_classes=4,
                           n_clusters_per_class=1, random_state=5)
X = X.astype("float32")

model = keras.Sequential([
    keras.Input(shape=(12,)),
    keras.layers.Dense(48, activation="relu"),
    keras.layers.Dense(4),
])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(X[:1200], y[:1200], epochs=20, batch_size=64, verbose=0)
probs = keras.ops.convert_to_numpy(keras.ops.softmax(model.predict(X[1200:], verbose=0)))
print(f"test accuracy {np.mean(probs.argmax(axis=1) == y[1200:]):.3f}")
