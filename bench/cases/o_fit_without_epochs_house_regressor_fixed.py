"""Fixed twin of o_fit_without_epochs_house_regressor.py: the answer's fix, the number of epochs passed as `epochs=100`, so the same network gets 1200 Adam steps instead of 12 and the test error falls to about the noise level.

Measured here (TensorFlow CPU): test mean squared error 9.2 (target variance 35).

Source: https://github.com/tensorflow/tensorflow/issues/9696
Causes: none
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
model.fit(X_train, Y_train, epochs=100, batch_size=32, verbose=0)
test_mse = model.evaluate(X_test, Y_test, verbose=0)
print("test mse %.2f (target var %.2f, mean square %.1f)" % (
    test_mse, Y_test.var(), float(np.mean(Y_test ** 2))))
