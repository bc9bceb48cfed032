"""SVM-style binary classifier: labels -1 / +1, a tanh output and the hinge loss
(margin 1), on two noisy Gaussian clusters in 5 dimensions with a curved boundary.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2000, 5
x = rng.normal(size=(n, d)).astype("float32")
y = np.where(x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 2] - 0.5 > 0, 1.0, -1.0).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="tanh"),
    ]
)
model.compile(optimizer="adam", loss="hinge")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=25, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
accuracy = (np.sign(model.predict(x_test, verbose=0)[:, 0]) == y_test).mean()
print(f"test hinge {before:.4g} -> {after:.4g}; accuracy {accuracy:.3f} (positive rate {(y_test > 0).mean():.2f})")
