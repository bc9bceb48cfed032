"""An MLP predicts house sale prices from ten standardised features (living area, quality, year built, ...) with mean squared error and SGD at learning rate 0.1, as in a workshop exercise. The first epoch's loss is astronomically large and from then on it is frozen at about the variance of the prices, with every house given the same price (the workshop participants saw nan). The features are on unit scale but the targets are raw prices around 180,000 (up to ~750,000): the first errors are of that size, their gradients are enormous, and the first SGD updates throw the weights so far that the ReLU units die and only the output bias is left to fit the mean.

Source: https://github.com/rstudio-conf-2020/dl-keras-tf/issues/9
Causes: FD103
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(137)

N, F = 2000, 10
x = np.random.normal(0, 1, (N, F)).astype("float32")
w = np.array([40, 25, 15, 10, 8, 5, 0, 0, -6, -10], dtype="float32") * 1000
price = 180000 + x @ w + 6000 * x[:, 0] * x[:, 1] + np.random.normal(0, 15000, N)
y = np.clip(price, 35000, 755000).astype("float32")

model = keras.Sequential(
    [keras.Input((F,)), layers.Dense(32, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mean_squared_error", metrics=["mae"])
hist = model.fit(x, y, epochs=10, batch_size=16, verbose=2)
pred = model.predict(x, verbose=0)[:, 0]
print("losses", hist.history["loss"][:3], "...  final mae", hist.history["mae"][-1], " prediction std %.2f" % pred.std())
