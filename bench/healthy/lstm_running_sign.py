"""An LSTM reads noisy sequences of length 20 and predicts whether their running sum ends
positive (sigmoid output, binary cross-entropy).

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(8)
rng = np.random.default_rng(8)

x = rng.normal(size=(1200, 20, 1)).astype("float32")
y = (x.sum(axis=(1, 2)) > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(20, 1)),
    keras.layers.LSTM(16),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(x[:1000], y[:1000], epochs=10, batch_size=32, verbose=0)
print(f"test accuracy {model.evaluate(x[1000:], y[1000:], verbose=0)[1]:.3f}")
