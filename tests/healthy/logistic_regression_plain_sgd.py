"""Textbook logistic regression: a single Dense(1, sigmoid) on 20 standardized features,
plain SGD at learning rate 0.1 (no momentum), binary cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 3000, 20
x = rng.normal(size=(n, d)).astype("float32")
w = rng.normal(size=d) * (rng.random(d) < 0.5)
y = (rng.random(n) < 1 / (1 + np.exp(-(x @ w)))).astype("float32")
x_train, y_train, x_test, y_test = x[:2400], y[:2400], x[2400:], y[2400:]

model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
bayes = ((x_test @ w > 0) == y_test).mean()
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(true-weights accuracy {bayes:.3f})")
