"""A binary classifier ending in Dense(1, activation="softmax") trained with
categorical_crossentropy on 0/1 labels: softmax over one unit is 1 for every input and
cross-entropy over one column normalises it to 1 anyway, so the loss is 0 from the start
and nothing trains (accuracy stays at the positive rate). A sigmoid output alone does not
help while the loss stays categorical (one column, normalised to 1 again): the repair
needs binary_crossentropy as well.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(600, 8)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32").reshape(-1, 1)

model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
print("loss", [round(v, 4) for v in history.history["loss"]])
