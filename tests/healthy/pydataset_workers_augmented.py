"""A PyDataset read by 2 worker threads (workers=2) that returns freshly allocated arrays
per batch: each batch copies its rows and adds new Gaussian jitter (data augmentation).
Three-class classification of noisy cluster points, sparse categorical cross-entropy.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


class JitteredBatches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=64, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epoch = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, idx):
        rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        noise_rng = np.random.default_rng((self.epoch, idx))
        x = self.x[rows] + 0.1 * noise_rng.normal(size=self.x[rows].shape).astype("float32")
        return x, self.y[rows].copy()

    def on_epoch_end(self):
        self.epoch += 1


k, d, n = 3, 6, 2100
centres = rng.normal(0, 1.0, size=(k, d))
y = rng.integers(0, k, n)
x = (centres[y] + 0.8 * rng.normal(size=(n, d))).astype("float32")
x_train, y_train, x_test, y_test = x[:1700], y[:1700], x[1700:], y[1700:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(k, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(JitteredBatches(x_train, y_train, workers=2), epochs=15, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.33)")
