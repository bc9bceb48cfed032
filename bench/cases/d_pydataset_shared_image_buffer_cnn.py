"""A CNN on 8x8 digit images is fed by a keras.utils.PyDataset whose loader writes every batch into one image buffer allocated once (the author's C++ loader filled a fixed NumPy array through ctypes), while the labels are fresh slices. Loss stays high and accuracy far below what the same model reaches on in-memory arrays. With workers=4 the batches are produced ahead of the training step, so by the time a batch is consumed its images have already been overwritten by a later batch (or several threads are writing the buffer at once), and images and labels no longer belong together.

Source: https://github.com/tensorflow/tensorflow/issues/34099
Causes: FD105
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
        self.buffer = np.zeros((batch_size, 8, 8, 1), dtype="float32")  # filled in place per batch

    def __len__(self):
        return len(images) // self.batch_size

    def __getitem__(self, idx):
        rows = self.order[idx * self.batch_size:(idx + 1) * self.batch_size]
        for j, r in enumerate(rows):
            self.buffer[j] = images[r]  # the "loader" writes into the shared buffer
        return self.buffer, labels[rows]


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
