"""Adam with CosineDecay and a linear warmup (0 -> 3e-3 over 100 steps, then cosine decay
to 0 over the rest of the run) training a small regression MLP.
"""
import math

import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2000, 5
x = rng.normal(size=(n, d)).astype("float32")
y = (np.tanh(x[:, 0] + x[:, 1]) + 0.5 * x[:, 2] * x[:, 3] - 0.3 * x[:, 4]).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

epochs, batch_size = 30, 32
total_steps = epochs * math.ceil(len(x_train) / batch_size)
schedule = keras.optimizers.schedules.CosineDecay(
    initial_learning_rate=0.0, decay_steps=total_steps - 100, warmup_target=3e-3, warmup_steps=100)
model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
