"""A linear model predicts a stock's closing price from the day's open, high, low and traded volume, trained with plain SGD on the raw numbers. The loss is nan from the first epoch on. The volume column is around a million while the prices are around 800: the loss curvature along the volume weight is about 1e12, so the learning rate is many orders of magnitude above the stability limit and the weights explode. Min-max scaling the columns (as the course's next lab does) makes the same model converge.

Source: https://github.com/hunkim/DeepLearningZeroToAll/issues/197
Causes: FD102
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

model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
hist = model.fit(x, y, epochs=10, batch_size=16, verbose=2)
print("losses", hist.history["loss"][:3], "...", hist.history["loss"][-1])
