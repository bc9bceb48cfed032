"""House-price style regression with raw features (areas in m^2, rooms, age in years, distance
in km) fed through an adapted keras.layers.Normalization; the price target is standardized.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
area = rng.uniform(40, 250, n)
rooms = np.clip(np.round(area / 35 + rng.normal(0, 0.7, n)), 1, 8)
age = rng.uniform(0, 80, n)
distance = rng.exponential(8.0, n)
price = 3000 * area + 15000 * rooms - 1200 * age - 9000 * np.log1p(distance) + rng.normal(0, 30000, n)
x = np.stack([area, rooms, age, distance], axis=1).astype("float32")
y = ((price - price[:1600].mean()) / price[:1600].std()).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

norm = keras.layers.Normalization()
norm.adapt(x_train)
model = keras.Sequential(
    [
        keras.Input((4,)),
        norm,
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse (standardized price) {before:.4g} -> {after:.4g} (var {y_test.var():.3g})")
