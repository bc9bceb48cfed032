"""Fixed twin of w_sum_words_keepdims_contract.py: the custom SumWords layer now sums without keepdims, so its call returns (batch, dim) exactly as its compute_output_shape declares, the model really outputs (batch, 1), and the loss compares each review only with its own rating. The embedding regressor now learns the ratings (R2 close to 1).

Source: https://github.com/keras-team/keras/issues/3703
Causes: none
"""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(43)

N, T, V = 2000, 20, 50
good, bad = np.arange(2, 7), np.arange(7, 12)  # sentiment-bearing token ids
x = np.random.randint(12, V, (N, T))
n_good = np.random.randint(0, 5, N)
n_bad = np.random.randint(0, 5, N)
for i in range(N):
    pos = np.random.choice(T, n_good[i] + n_bad[i], replace=False)
    x[i, pos[: n_good[i]]] = np.random.choice(good, n_good[i])
    x[i, pos[n_good[i]:]] = np.random.choice(bad, n_bad[i])
rating = (n_good - n_bad).astype("float32")
y = (rating - rating.mean()) / rating.std()  # shape (N,)


class SumWords(layers.Layer):
    def call(self, x):
        return ops.sum(x, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


inp = keras.Input((T,), dtype="int32")
h = layers.Embedding(V, 16)(inp)
h = SumWords()(h)
h = layers.Dense(16, activation="relu")(h)
out = layers.Dense(1)(h)
model = keras.Model(inp, out)
print("declared output shape:", model.output_shape)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(x, y, epochs=8, batch_size=32, verbose=2)
p = np.asarray(model.predict(x, verbose=0)).reshape(N)
print("actual output shape:", model.predict(x[:4], verbose=0).shape)
mse = float(np.mean((p - y) ** 2))
print("final loss %.4f  true mse %.4f  R2 %.3f  score std %.4f" % (hist.history["loss"][-1], mse, 1 - mse / y.var(), p.std()))
