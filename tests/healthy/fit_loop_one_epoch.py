"""Training in a loop of model.fit(epochs=1) calls on one model (as when checkpointing or
logging between epochs), 25 rounds; validation accuracy checked with evaluate each 5 rounds.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d, n = 3, 6, 2000
y = rng.integers(0, k, n)
x = rng.normal(size=(n, d)).astype("float32")
x[:, 0] += np.cos(2 * np.pi * y / k) * 1.5
x[:, 1] += np.sin(2 * np.pi * y / k) * 1.5
x_train, y_train, x_val, y_val = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(k, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
first = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
for round_ in range(25):
    model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)
    if round_ % 5 == 4:
        print(f"round {round_ + 1}: val accuracy "
              f"{model.evaluate(x_val, y_val, verbose=0, return_dict=True)['accuracy']:.3f}")
last = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
print(f"val loss {first['loss']:.4g} -> {last['loss']:.4g}; accuracy {last['accuracy']:.3f} (chance 0.33)")
