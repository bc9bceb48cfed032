"""Per-step sequence tagging with a bidirectional LSTM: tag each step of a random walk as
a local peak, a local trough or neither (needs both neighbours). Output (B, T, 3) softmax,
integer tags (B, T) with sparse categorical cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 1500, 20
x = np.cumsum(rng.normal(size=(n, steps)), axis=1)
x = (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)
left = np.pad(x, ((0, 0), (1, 0)), mode="edge")[:, :-1]
right = np.pad(x, ((0, 0), (0, 1)), mode="edge")[:, 1:]
tags = np.where((x > left) & (x > right), 1, np.where((x < left) & (x < right), 2, 0))
x = x[..., None].astype("float32")
x_train, y_train, x_test, y_test = x[:1200], tags[:1200], x[1200:], tags[1200:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.Bidirectional(keras.layers.LSTM(16, return_sequences=True)),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; per-step accuracy {after['accuracy']:.3f} "
      f"(majority tag {np.bincount(tags.ravel()).max() / tags.size:.2f})")
