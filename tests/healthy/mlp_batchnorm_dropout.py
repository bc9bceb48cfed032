"""Four-class MLP with Dense -> BatchNormalization -> ReLU -> Dropout blocks on 20 features
(only 6 informative); integer labels, softmax, sparse categorical cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 3000, 20
x = rng.normal(size=(n, d)).astype("float32")
score = np.stack([x[:, 0] + x[:, 1] * x[:, 2], x[:, 3] - x[:, 4], np.sin(2 * x[:, 5]) * 2, np.zeros(n)], axis=1)
y = score.argmax(axis=1)
x_train, y_train, x_test, y_test = x[:2400], y[:2400], x[2400:], y[2400:]

model = keras.Sequential([keras.Input((d,))])
for units in (64, 64):
    model.add(keras.layers.Dense(units, use_bias=False))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dropout(0.2))
model.add(keras.layers.Dense(4, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=25, batch_size=64, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(majority {np.bincount(y_test).max() / len(y_test):.2f})")
