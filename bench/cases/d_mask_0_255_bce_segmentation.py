"""A small fully-convolutional network segments bright squares in 24x24 grayscale images, trained with binary cross-entropy on a sigmoid output. The images are divided by 255 but the masks are not, so the targets are 0 and 255. The loss goes negative and keeps falling while the predicted masks are useless: binary cross-entropy with a target of 255 rewards pushing every pixel toward 1, so the network learns to paint everything as foreground.

Source: https://github.com/hlamba28/UNET-TGS/issues/8
Causes: FD106
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
y = mask[..., None]  # the images were scaled, the masks were not

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
