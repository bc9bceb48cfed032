"""Fixed twin of d_house_price_raw_target_sgd_nan.py: the sale prices are standardised before training (and predictions mapped back to dollars for the report), so the errors the loss sees are of order 1 and SGD at learning rate 0.1 is stable. The MLP now predicts prices with a mean absolute error of a few percent of the typical price.

Source: https://github.com/rstudio-conf-2020/dl-keras-tf/issues/9
Causes: none
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
y_mean, y_std = y.mean(), y.std()

model = keras.Sequential(
    [keras.Input((F,)), layers.Dense(32, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mean_squared_error", metrics=["mae"])
hist = model.fit(x, (y - y_mean) / y_std, epochs=10, batch_size=16, verbose=2)
pred = model.predict(x, verbose=0)[:, 0] * y_std + y_mean
print("losses", hist.history["loss"][:3], "...  mae in dollars %.0f  (mean price %.0f)" % (np.mean(np.abs(pred - y)), y.mean()))
