"""Fixed twin of d_pydataset_shared_image_buffer_cnn.py: the loader writes each batch into a freshly allocated array (the report's fix: copy the buffer for every batch), so batches prepared ahead by the four workers are never overwritten. The CNN on 8x8 digits now learns (high accuracy on the real image/label pairs).

Source: https://github.com/tensorflow/tensorflow/issues/34099
Causes: none
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(107)

digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., None]
labels = digits.target


class DigitBatches(keras.utils.PyDataset):
    def __init__(self, batch_size=32, **kwargs):
        super().__init__(workers=4, **kwargs)
        self.batch_size = batch_size
        self.order = np.random.permutation(len(images))

    def __len__(self):
        return len(images) // self.batch_size

    def __getitem__(self, idx):
        rows = self.order[idx * self.batch_size:(idx + 1) * self.batch_size]
        buffer = np.zeros((self.batch_size, 8, 8, 1), dtype="float32")  # a new array per batch
        for j, r in enumerate(rows):
            buffer[j] = images[r]
        return buffer, labels[rows]


model = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(DigitBatches(), epochs=6, verbose=2)
_, acc = model.evaluate(images, labels, verbose=0)
print("final train loss %.3f  accuracy on the real pairs %.3f" % (hist.history["loss"][-1], acc))
