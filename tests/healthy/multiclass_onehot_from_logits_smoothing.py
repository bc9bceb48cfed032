"""Six-class classification with one-hot labels, a linear (logits) output and
CategoricalCrossentropy(from_logits=True, label_smoothing=0.1).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d, n = 6, 12, 3000
centres = rng.normal(0, 1.2, size=(k, d))
labels = rng.integers(0, k, n)
x = (centres[labels] + rng.normal(size=(n, d))).astype("float32")
y = keras.utils.to_categorical(labels, k)
x_train, y_train, x_test, y_test = x[:2400], y[:2400], x[2400:], y[2400:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(k),
    ]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    metrics=[keras.metrics.CategoricalAccuracy()],
)
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=64, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; "
      f"accuracy {after['categorical_accuracy']:.3f} (chance 0.17)")
