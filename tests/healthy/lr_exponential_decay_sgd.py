"""SGD with an ExponentialDecay learning-rate schedule (0.05, halved every 500 steps) on a
standardized 3-class classification problem.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d, n = 3, 8, 2400
centres = rng.normal(0, 1.0, size=(k, d))
y = rng.integers(0, k, n)
x = centres[y] + rng.normal(size=(n, d))
x = ((x - x.mean(0)) / x.std(0)).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

schedule = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.05, decay_steps=500,
                                                        decay_rate=0.5)
model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(k, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.33)")
