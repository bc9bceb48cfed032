"""Fixed twin of d_make_regression_targets_rmsprop.py: the targets are standardised before training (and predictions mapped back), so the linear model only needs weights of order 0.1 and RMSprop reaches them within the same 10 epochs. The Dense(1) model now matches the linear-regression fit (R2 near the noise limit).

Source: https://github.com/keras-team/keras/issues/2576
Causes: none
"""
import numpy as np
from sklearn.datasets import make_regression

import keras
from keras import layers

keras.utils.set_random_seed(101)

x, y = make_regression(n_samples=4000, n_features=100, n_informative=100, noise=100, random_state=0)
x = x.astype("float32")
y = y.astype("float32")
y_mean, y_std = y.mean(), y.std()

model = keras.Sequential([keras.Input((100,)), layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse")
hist = model.fit(x, (y - y_mean) / y_std, epochs=10, batch_size=16, verbose=0)
pred = model.predict(x, verbose=0)[:, 0] * y_std + y_mean
print("target range %.0f..%.0f  prediction range %.0f..%.0f  R2 %.3f  final loss %.4f" % (
    y.min(), y.max(), pred.min(), pred.max(), 1 - np.mean((pred - y) ** 2) / y.var(), hist.history["loss"][-1]))
