"""A training loop of one-epoch fit() calls (progress printed between them), the way many
scripts train: one run of twelve fits for fitdoctor."""
import keras
import numpy as np

keras.utils.set_random_seed(4)
rng = np.random.default_rng(0)
x = rng.standard_normal((256, 5)).astype("float32")
y = (x @ rng.standard_normal((5, 1))).astype("float32")
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
for epoch in range(12):
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
print("loss", history.history["loss"][-1])
