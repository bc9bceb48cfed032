"""AdamW (decoupled weight decay 1e-2) on a small, overfitting-prone regression: 300 training
samples, 30 features of which 5 matter, a wide MLP; loss measured on held-out data.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 800, 30
x = rng.normal(size=(n, d)).astype("float32")
y = (x[:, :5] @ np.array([1.0, -0.8, 0.6, 0.4, -0.3]) + 0.3 * np.sin(2 * x[:, 0])
     + 0.2 * rng.normal(size=n)).astype("float32")
x_train, y_train, x_test, y_test = x[:300], y[:300], x[300:], y[300:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-2), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=60, batch_size=16, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
