"""Fixed twin of d_stock_volume_unscaled_sgd.py: every column (and the target) is min-max scaled to [0, 1] before training, as in the course's follow-up lab, so the loss curvature is of order 1 and the same SGD setup is stable. The linear model now predicts the closing price (predictions are mapped back to dollars for the report).

Source: https://github.com/hunkim/DeepLearningZeroToAll/issues/197
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(103)

n = 730
open_ = 800 + np.cumsum(np.random.normal(0, 5, n))
high = open_ + np.abs(np.random.normal(0, 4, n))
low = open_ - np.abs(np.random.normal(0, 4, n))
volume = np.random.uniform(0.5e6, 1.5e6, n)
close = 0.2 * open_ + 0.4 * high + 0.4 * low + np.random.normal(0, 1, n)
x = np.stack([open_, high, low, volume], axis=1).astype("float32")
y = close.astype("float32").reshape(-1, 1)

x_min, x_max = x.min(0), x.max(0)
y_min, y_max = y.min(), y.max()
xs = (x - x_min) / (x_max - x_min)
ys = (y - y_min) / (y_max - y_min)

model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
hist = model.fit(xs, ys, epochs=10, batch_size=16, verbose=2)
pred = model.predict(xs, verbose=0) * (y_max - y_min) + y_min
print("losses", hist.history["loss"][:3], "...", hist.history["loss"][-1], " mean abs error $%.2f" % np.mean(np.abs(pred - y)))
