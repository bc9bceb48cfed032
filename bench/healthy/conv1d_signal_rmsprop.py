"""A 1-D convolutional network detects whether a short pulse is present in a noisy signal,
trained with RMSprop.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(23)
rng = np.random.default_rng(23)

n, length = 1200, 64
x = rng.normal(scale=0.5, size=(n, length)).astype("float32")
y = rng.integers(0, 2, size=n).astype("float32")
pulse = np.hanning(8).astype("float32") * 1.5
for i in np.where(y == 1)[0]:
    start = rng.integers(0, length - 8)
    x[i, start:start + 8] += pulse
x = x[..., None]

model = keras.Sequential([
    keras.Input(shape=(length, 1)),
    keras.layers.Conv1D(8, 8, activation="relu"),
    keras.layers.GlobalMaxPooling1D(),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.RMSprop(3e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(x[:1000], y[:1000], epochs=12, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(x[1000:], y[1000:], verbose=0)[1]:.3f}")
