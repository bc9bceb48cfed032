"""A seeded healthy script that touches every state fitdoctor could disturb, on any backend:
dict inputs with an Embedding, BatchNorm statistics, Dropout and GaussianNoise seed
generators, shuffling, validation_split and sample weights; then a second model fed by a
PyDataset that augments with NumPy's global RNG. After training it draws from every global
RNG. Saves all of it to sys.argv[1]."""
import sys

import keras
import numpy as np
from draws import global_draws


class Augmenting(keras.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return 4

    def __getitem__(self, index):
        part = slice(index * 32, (index + 1) * 32)
        return self.x[part] + 0.1 * np.random.standard_normal(self.x[part].shape).astype("float32"), self.y[part]


keras.utils.set_random_seed(21)
n = 192
numbers = np.random.standard_normal((n, 6)).astype("float32")
ids = np.random.randint(1, 20, (n, 5))
labels = ((numbers[:, 0] + (ids[:, 0] > 10)) > 0.5).astype("int32")
weights = np.random.uniform(0.5, 1.5, n).astype("float32")
data = [numbers.copy(), ids.copy(), labels.copy(), weights.copy()]

number_in, id_in = keras.Input((6,), name="numbers"), keras.Input((5,), dtype="int32", name="ids")
embedded = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(id_in))
hidden = keras.layers.Dense(16, activation="relu")(keras.layers.Concatenate()([number_in, embedded]))
hidden = keras.layers.Dropout(0.3)(keras.layers.BatchNormalization()(keras.layers.GaussianNoise(0.1)(hidden)))
model = keras.Model({"numbers": number_in, "ids": id_in}, keras.layers.Dense(2, activation="softmax")(hidden))
model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit({"numbers": numbers, "ids": ids}, labels, sample_weight=weights, batch_size=32, epochs=3,
          validation_split=0.25, shuffle=True, verbose=0)

x2 = np.random.standard_normal((128, 3)).astype("float32")
y2 = (x2 @ np.array([[1.0], [-1.0], [0.5]])).astype("float32")
second = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
second.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
second.fit(Augmenting(x2, y2), epochs=2, verbose=0)

later = keras.layers.Dense(3)  # unseeded initializers after fit draw from the global seed generator
later.build((None, 2))
arrays = {
    **global_draws(),
    **{f"model_{i}": w for i, w in enumerate(model.get_weights())},
    **{f"second_{i}": w for i, w in enumerate(second.get_weights())},
    **{f"later_{i}": w for i, w in enumerate(later.get_weights())},
    **{f"optimizer_{v.path}": keras.ops.convert_to_numpy(v) for v in model.optimizer.variables},
    **{f"optimizer2_{v.path}": keras.ops.convert_to_numpy(v) for v in second.optimizer.variables},
    "data_unchanged": np.array([np.array_equal(a, b) for a, b in zip(data, [numbers, ids, labels, weights])]),
}
np.savez(sys.argv[1], **arrays)
