"""A keras.utils.PyDataset that serves shuffled batches of scikit-learn's digits (as flat
vectors scaled to [0, 1]), allocating new arrays for every batch.

Source: original
Causes: none
"""
import math
import numpy as np
import keras
from sklearn.datasets import load_digits

keras.utils.set_random_seed(18)


class DigitBatches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=32, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.order = np.arange(len(x))

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        idx = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        return self.x[idx], self.y[idx]

    def on_epoch_end(self):
        np.random.shuffle(self.order)


x, y = load_digits(return_X_y=True)
x = (x / 16.0).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(DigitBatches(x[:1400], y[:1400]), epochs=10, verbose=0)
print(f"test accuracy {model.evaluate(x[1400:], y[1400:], verbose=0)[1]:.3f}")
