"""Binary classification on two interleaving half-moons (generated with numpy).
Sigmoid output with binary cross-entropy; accuracy on a held-out set.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def moons(n):
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x0 = np.where(label == 0, np.cos(t), 1 - np.cos(t))
    x1 = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    x = np.stack([x0, x1], axis=1) + 0.15 * rng.normal(size=(n, 2))
    return (x - [0.5, 0.25]).astype("float32"), label.astype("float32")


x_train, y_train = moons(1500)
x_test, y_test = moons(500)

model = keras.Sequential(
    [
        keras.Input((2,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}")
