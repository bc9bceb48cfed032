"""A small fully-convolutional network regresses a per-pixel depth map from a 16x16 image, trained with mean squared error. The ground-truth maps mark pixels without a valid measurement as NaN, as depth sensors commonly do. The loss is nan from the first epoch and every predicted map is nan: the NaN targets enter the loss directly, and a single one in a batch makes the gradient, and then all weights, NaN.

Source: https://github.com/prs-eth/Marigold/issues/111
Causes: FD101
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(79)

N, S = 400, 16
ramp = np.linspace(0, 1, S, dtype="float32")
slope = np.random.uniform(-1, 1, (N, 1, 1)).astype("float32")
depth = 1.0 + slope * ramp[None, None, :] + 0.5 * ramp[None, :, None]
img = (depth + np.random.normal(0, 0.05, depth.shape)).astype("float32")[..., None]
target = depth.copy()[..., None]
invalid = np.random.rand(*target.shape) < 0.03
target[invalid] = np.nan  # sensor returned no depth for these pixels

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Conv2D(1, 1),
    ]
)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(img, target, epochs=5, batch_size=16, verbose=2)
pred = model.predict(img, verbose=0)
valid = ~invalid
print("final loss %s  mse on valid pixels %.5f" % (hist.history["loss"][-1], np.mean((pred[valid] - target[valid]) ** 2)))
