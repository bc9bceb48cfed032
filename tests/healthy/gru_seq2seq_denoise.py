"""Sequence-to-sequence regression: a bidirectional GRU with return_sequences denoises a
noisy sine wave step by step; predictions (B, 40, 1) against clean targets (B, 40, 1).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 1500, 40
t = np.arange(steps)[None, :]
clean = np.sin(rng.uniform(0.1, 0.5, (n, 1)) * t + rng.uniform(0, 2 * np.pi, (n, 1)))
noisy = clean + 0.3 * rng.normal(size=clean.shape)
x, y = noisy[..., None].astype("float32"), clean[..., None].astype("float32")
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True)),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=12, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (noise var 0.09; clean var {y_test.var():.3g})")
