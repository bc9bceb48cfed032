"""A regression network for house prices (13 standardised features of the Boston housing data, the median value in thousands as target) that was meant to train for 100 epochs, but the author passed the epoch count under an old keyword that fit() did not use, so training ran for the default number of epochs only; fchollet's answer: use the keyword `epochs`. In Keras 3 an unknown keyword is an error, so the port calls fit() without epochs: one epoch, twelve optimizer steps, and the loss is still near the targets' mean square when training ends.

Measured here (TensorFlow CPU): test mean squared error 551 against a target variance of 35 (mean square 555); the fixed twin reaches 9.2.

Source: https://github.com/tensorflow/tensorflow/issues/9696
Causes: FD302
"""
import numpy as np
from sklearn.model_selection import train_test_split

import keras

keras.utils.set_random_seed(42)
rng = np.random.default_rng(42)

# Stand-in for the Boston housing table: 506 rows, 13 z-scored features, medv in thousands.
n, d = 506, 13
features = rng.normal(size=(n, d)).astype("float32")
coef = rng.normal(scale=2.0, size=d).astype("float32")
target = (22.5 + features @ coef + 0.8 * np.tanh(features[:, 0] * features[:, 1])
          + rng.normal(scale=2.0, size=n)).astype("float32").reshape(-1, 1)
X_train, X_test, Y_train, Y_test = train_test_split(features, target, test_size=0.25, random_state=42)

model = keras.Sequential([
    keras.Input((d,)),
    keras.layers.Dense(75, activation="relu", kernel_initializer="normal"),
    keras.layers.Dense(25, activation="relu", kernel_initializer="normal"),
    keras.layers.Dense(1, kernel_initializer="normal"),
])
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(X_train, Y_train, batch_size=32, verbose=0)
test_mse = model.evaluate(X_test, Y_test, verbose=0)
print("test mse %.2f (target var %.2f, mean square %.1f)" % (
    test_mse, Y_test.var(), float(np.mean(Y_test ** 2))))
