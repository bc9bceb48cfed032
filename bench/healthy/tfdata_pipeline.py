"""A tf.data input pipeline (from_tensor_slices, shuffle, map, batch, prefetch) feeding a
classifier of scikit-learn's make_circles, with feature engineering in the map step.

Source: original
Causes: none
"""
import keras
import tensorflow as tf
from sklearn.datasets import make_circles

keras.utils.set_random_seed(19)

X, y = make_circles(n_samples=1500, noise=0.08, factor=0.5, random_state=19)
X, y = X.astype("float32"), y.astype("float32")


def add_radius(features, label):
    radius = tf.reduce_sum(features * features, axis=-1, keepdims=True)
    return tf.concat([features, radius], axis=-1), label


train = (tf.data.Dataset.from_tensor_slices((X[:1200], y[:1200]))
         .shuffle(1200, seed=19).map(add_radius).batch(32).prefetch(2))
test = tf.data.Dataset.from_tensor_slices((X[1200:], y[1200:])).map(add_radius).batch(64)

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(train, epochs=10, verbose=0)
print(f"test accuracy {model.evaluate(test, verbose=0)[1]:.3f}")
