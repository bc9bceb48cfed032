"""A Conv1D regressor estimates the height of the tallest peak in a noisy 1-D signal; after the convolutions a Lambda layer takes the maximum over time, declared with output_shape=(16,), but the lambda keeps the time axis (keepdims=True) and returns (batch, 1, 16). The loss stalls at about the target variance and predictions barely vary. The model is wired from the declared shape, so it advertises a (batch, 1) output while producing (batch, 1, 1); against (batch,) targets mean squared error broadcasts to (batch, 1, batch) and fits every prediction to the whole batch's targets.

Source: https://github.com/keras-team/keras/issues/19324
Causes: FD203, FD201
"""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(47)

N, T = 1500, 80
x = np.random.normal(0, 0.3, (N, T)).astype("float32")
height = np.random.uniform(1.0, 4.0, N).astype("float32")
for i in range(N):
    c = np.random.randint(5, T - 5)
    x[i, c - 3:c + 4] += height[i] * np.hanning(7)
x = x[..., None]
y = (height - height.mean()) / height.std()  # shape (N,)

inp = keras.Input((T, 1))
h = layers.Conv1D(16, 5, padding="same", activation="relu")(inp)
h = layers.Conv1D(16, 5, padding="same", activation="relu")(h)
h = layers.Lambda(lambda t: ops.max(t, axis=1, keepdims=True), output_shape=(16,))(h)
out = layers.Dense(1)(h)
model = keras.Model(inp, out)
print("declared output shape:", model.output_shape)
model.compile(optimizer="rmsprop", loss="mse")
hist = model.fit(x, y, epochs=8, batch_size=32, verbose=2)
p = np.asarray(model.predict(x, verbose=0)).reshape(N)
mse = float(np.mean((p - y) ** 2))
print("final loss %.4f  true mse %.4f  R2 %.3f  pred std %.3f" % (hist.history["loss"][-1], mse, 1 - mse / y.var(), p.std()))
