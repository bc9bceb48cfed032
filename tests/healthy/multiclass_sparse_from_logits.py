"""Four-class classification (which quadrant, rotated by a nonlinear warp) with integer ids,
a linear output layer and SparseCategoricalCrossentropy(from_logits=True).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n = 2000
x = rng.normal(size=(n, 2)).astype("float32")
warped = x + 0.5 * np.sin(2 * x[:, ::-1])
y = (warped[:, 0] > 0).astype(int) * 2 + (warped[:, 1] > 0).astype(int)
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((2,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(4),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=2e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.25)")
