"""Six-class classification where one class is 3 of the 2000 samples (the others share the
rest about equally); an MLP with Adam and sparse categorical cross-entropy. The rare class
cannot be learned from three examples and hardly matters to the loss, but the model learns
the five others well; reports the test accuracy and the macro accuracy over the five
common classes. Measured (TensorFlow CPU): test accuracy 1.000, macro accuracy over the
five common classes 1.000 (the three rare samples all fell in the training split).

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(66)
rng = np.random.default_rng(66)

n, d = 2000, 12
y = np.concatenate([np.full(3, 5), rng.integers(0, 5, size=n - 3)])
rng.shuffle(y)
centers = rng.normal(scale=2.0, size=(6, d))
x = (centers[y] + rng.normal(size=(n, d))).astype("float32")
x_train, y_train, x_test, y_test = x[:1500], y[:1500], x[1500:], y[1500:]

model = keras.Sequential([
    keras.Input((d,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(6, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
pred = model.predict(x_test, verbose=0).argmax(1)
per_class = [float(np.mean(pred[y_test == c] == c)) for c in range(5)]
print(f"test accuracy {np.mean(pred == y_test):.3f}  macro accuracy over the 5 common classes "
      f"{np.mean(per_class):.3f}  rare-class samples in train/test: {(y_train == 5).sum()}/{(y_test == 5).sum()}")
