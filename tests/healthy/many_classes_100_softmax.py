"""100-class classification (Gaussian clusters in 32 dimensions, 40 samples per class) with
a softmax head and sparse categorical cross-entropy; initial loss should be near log(100).
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

k, d = 100, 32
centres = rng.normal(0, 1.0, size=(k, d))
y = np.repeat(np.arange(k), 50)
x = (centres[y] + 0.6 * rng.normal(size=(len(y), d))).astype("float32")
perm = rng.permutation(len(y))
x, y = x[perm], y[perm]
x_train, y_train, x_test, y_test = x[:4000], y[:4000], x[4000:], y[4000:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(k, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=15, batch_size=64, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g} (log 100 = {np.log(100):.3f}); "
      f"accuracy {after['accuracy']:.3f} (chance 0.01)")
