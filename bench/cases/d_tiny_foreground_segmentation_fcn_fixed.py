"""Fixed twin of d_tiny_foreground_segmentation_fcn.py: the rare foreground pixels are up-weighted twentyfold in the loss with a per-pixel sample weight, so an all-background mask is no longer cheap. The same fully-convolutional network now finds the spots (foreground recall and IoU well above 0).

Source: https://github.com/jakeret/tf_unet/issues/234
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(127)

N, S = 500, 24
x = np.random.normal(0, 0.35, (N, S, S, 1)).astype("float32")
y = np.zeros((N, S, S, 1), dtype="float32")
for i in range(N):
    r, c = np.random.randint(1, S - 4, 2)
    x[i, r:r + 3, c:c + 3, 0] += 0.8
    y[i, r:r + 3, c:c + 3, 0] = 1.0
weight = np.where(y[..., 0] > 0.5, 20.0, 1.0).astype("float32")  # (N, S, S): foreground pixels count 20x

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.Conv2D(1, 1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, sample_weight=weight, epochs=6, batch_size=32, verbose=2)
pred = model.predict(x, verbose=0) > 0.5
truth = y > 0.5
print("pixel accuracy %.4f  foreground share %.4f  foreground recall %.3f  IoU %.3f" % (
    hist.history["accuracy"][-1], truth.mean(), pred[truth].mean(), (pred & truth).sum() / max((pred | truth).sum(), 1)))
