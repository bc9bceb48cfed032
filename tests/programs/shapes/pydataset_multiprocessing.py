"""A PyDataset read by two worker processes (workers=2, use_multiprocessing=True), each
batch a fresh array. Saves the final weights to sys.argv[1] when given."""
import sys

import keras
import numpy as np


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return len(self.x) // self.batch_size

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part].copy(), self.y[part].copy()


if __name__ == "__main__":
    keras.utils.set_random_seed(8)
    x = np.random.default_rng(0).standard_normal((256, 4)).astype("float32")
    y = (x[:, :2].sum(axis=1, keepdims=True)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    model.fit(Batches(x, y, 32, workers=2, use_multiprocessing=True), epochs=5, verbose=0)
    if len(sys.argv) > 1:
        np.savez(sys.argv[1], *model.get_weights())
