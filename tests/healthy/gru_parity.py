"""GRU binary classification: the parity (XOR) of a sequence of 6 random bits.
Sigmoid output, binary cross-entropy; all 64 patterns appear, evaluated on fresh draws.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 3000, 6
bits = rng.integers(0, 2, size=(n, steps))
x = (bits[..., None] * 2.0 - 1.0).astype("float32")  # bits as -1 / +1
y = (bits.sum(axis=1) % 2).astype("float32")
x_train, y_train, x_test, y_test = x[:2500], y[:2500], x[2500:], y[2500:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.GRU(32),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.5)")
