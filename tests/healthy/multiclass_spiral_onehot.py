"""Three-class spiral classification with one-hot labels (keras.utils.to_categorical),
softmax output and categorical cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def spiral(n, k=3):
    label = rng.integers(0, k, n)
    r = rng.uniform(0.05, 1.0, n)
    angle = label * 2 * np.pi / k + 3.0 * r + 0.15 * rng.normal(size=n)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return x.astype("float32"), keras.utils.to_categorical(label, k)


x_train, y_train = spiral(1500)
x_test, y_test = spiral(500)

model = keras.Sequential(
    [
        keras.Input((2,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=40, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.33)")
