"""Fixed twin of d_mask_0_255_bce_segmentation.py: the masks are divided by 255 like the images, so binary cross-entropy sees 0/1 targets (the fix given in the report). The small fully-convolutional network now segments the bright squares (IoU close to 1, positive loss falling toward 0).

Source: https://github.com/hlamba28/UNET-TGS/issues/8
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(31)

N, S = 400, 24
img = np.random.randint(0, 60, (N, S, S)).astype("float32")
mask = np.zeros((N, S, S), dtype="float32")
for i in range(N):
    r, c = np.random.randint(0, S - 8, 2)
    h, w = np.random.randint(4, 9, 2)
    img[i, r:r + h, c:c + w] += 150
    mask[i, r:r + h, c:c + w] = 255  # mask saved as an 8-bit PNG: 0 / 255
x = (img / 255.0)[..., None]
y = (mask / 255.0)[..., None]  # masks scaled to 0 / 1 as well

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.Conv2D(1, 1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
hist = model.fit(x, y, epochs=8, batch_size=16, verbose=2)
pred = model.predict(x, verbose=0) > 0.5
truth = mask[..., None] > 0
iou = (pred & truth).sum() / (pred | truth).sum()
print("final loss %.3f  IoU %.3f  predicted foreground %.3f  true foreground %.3f" % (
    hist.history["loss"][-1], iou, pred.mean(), truth.mean()))
