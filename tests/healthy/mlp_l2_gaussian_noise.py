"""Regularised MLP classifier: GaussianNoise on the inputs, L2 kernel regularizers (added to
the loss through model.losses) on every Dense layer; 3 classes, integer labels.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d, n = 3, 12, 1500
centres = rng.normal(0, 1.0, size=(k, d))
y = rng.integers(0, k, n)
x = (centres[y] + 1.2 * rng.normal(size=(n, d))).astype("float32")
x_train, y_train, x_test, y_test = x[:1000], y[:1000], x[1000:], y[1000:]
l2 = keras.regularizers.L2(1e-3)

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.GaussianNoise(0.3),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=l2),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=l2),
        keras.layers.Dense(k, activation="softmax", kernel_regularizer=l2),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss (incl. L2) {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(chance 0.33)")
