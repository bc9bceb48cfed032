"""Fixed twin of d_nan_invalid_depth_pixels_cnn.py: the invalid (NaN) depth pixels are replaced by 0 in the targets and excluded from the loss with a per-pixel sample weight of 0, so only measured pixels supervise the network. The fully-convolutional regressor now fits the valid depth values.

Source: https://github.com/prs-eth/Marigold/issues/111
Causes: none
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

weight = (~np.isnan(target[..., 0])).astype("float32")  # (N, S, S): 0 where invalid
target = np.nan_to_num(target, nan=0.0)

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.Conv2D(1, 1),
    ]
)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(img, target, sample_weight=weight, epochs=5, batch_size=16, verbose=2)
pred = model.predict(img, verbose=0)
valid = ~invalid
print("final loss %s  mse on valid pixels %.5f" % (hist.history["loss"][-1], np.mean((pred[valid] - target[valid]) ** 2)))
