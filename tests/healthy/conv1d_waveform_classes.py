"""Conv1D classifier for 64-step signals: sine, square or sawtooth waves with random period,
phase and noise. Integer class ids with sparse categorical cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 1800, 64
label = rng.integers(0, 3, n)
period = rng.uniform(8, 20, size=(n, 1))
phase = rng.uniform(0, 1, size=(n, 1))
cycle = (np.arange(steps)[None, :] / period + phase) % 1.0
waves = np.stack([np.sin(2 * np.pi * cycle), np.sign(np.sin(2 * np.pi * cycle)), 2 * cycle - 1])
x = waves[label, np.arange(n)] + 0.2 * rng.normal(size=(n, steps))
x = x[..., None].astype("float32")
x_train, y_train, x_test, y_test = x[:1400], label[:1400], x[1400:], label[1400:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.Conv1D(16, 5, activation="relu"),
        keras.layers.MaxPooling1D(2),
        keras.layers.Conv1D(32, 5, activation="relu"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.33)")
