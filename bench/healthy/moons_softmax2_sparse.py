"""Two interleaved half-moons classified with a two-unit softmax output and sparse categorical
cross-entropy on integer labels.

Source: original
Causes: none
"""
import keras
from sklearn.datasets import make_moons

keras.utils.set_random_seed(2)

X, y = make_moons(n_samples=1000, noise=0.15, random_state=2)
X = X.astype("float32")
X = (X - X.mean(axis=0)) / X.std(axis=0)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(32, activation="tanh"),
    keras.layers.Dense(32, activation="tanh"),
    keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X[:800], y[:800], epochs=30, batch_size=32, verbose=0)
loss, acc = model.evaluate(X[800:], y[800:], verbose=0)
print(f"test accuracy {acc:.3f}")
