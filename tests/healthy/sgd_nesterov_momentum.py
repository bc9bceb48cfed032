"""SGD with Nesterov momentum 0.9 at learning rate 0.01 (a standard setting) training a
binary classifier on standardized features; sigmoid + binary cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2500, 10
x = rng.normal(size=(n, d)).astype("float32")
y = ((x[:, 0] + x[:, 1] - x[:, 2] + 0.7 * x[:, 3] * x[:, 4] + 0.3 * rng.normal(size=n)) > 0).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
              loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}")
