"""A single Dense(1) layer (no hidden layer) is fitted with RMSprop to make_regression data with 100 informative features, to compare with scikit-learn's linear regression. After 10 epochs the Keras predictions span only a few tens (-70..70 in the report) while the targets span about -2000..2000, so the fit is far off, although a linear model is exactly right. The targets are about a thousand times larger than unit scale; RMSprop moves each weight by about its learning rate per step, so the weights cannot grow to the required size within the budget.

Source: https://github.com/keras-team/keras/issues/2576
Causes: FD103
"""
import numpy as np
from sklearn.datasets import make_regression

import keras
from keras import layers

keras.utils.set_random_seed(101)

x, y = make_regression(n_samples=4000, n_features=100, n_informative=100, noise=100, random_state=0)
x = x.astype("float32")
y = y.astype("float32")

model = keras.Sequential([keras.Input((100,)), layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse")
hist = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
pred = model.predict(x, verbose=0)[:, 0]
print("target range %.0f..%.0f  prediction range %.0f..%.0f  R2 %.3f  final loss %.0f" % (
    y.min(), y.max(), pred.min(), pred.max(), 1 - np.mean((pred - y) ** 2) / y.var(), hist.history["loss"][-1]))
