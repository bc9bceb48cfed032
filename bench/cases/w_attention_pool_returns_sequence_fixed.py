"""Fixed twin of w_attention_pool_returns_sequence.py: the attention layer's call now sums the weighted vectors over time, so it returns (batch, dim) as its compute_output_shape declares and the output layer sees one pooled vector per sequence. The regressor now learns how much more often token 1 occurs than token 2 (loss far below the target variance).

Source: https://github.com/keras-team/keras/issues/4962
Causes: none
"""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(53)

N, T, V = 2000, 20, 30
x = np.random.randint(3, V, (N, T))
n1 = np.random.randint(0, 5, N)
n2 = np.random.randint(0, 5, N)
for i in range(N):
    pos = np.random.choice(T, n1[i] + n2[i], replace=False)
    x[i, pos[: n1[i]]] = 1
    x[i, pos[n1[i]:]] = 2
diff = (n1 - n2).astype("float32")
y = ((diff - diff.mean()) / diff.std()).reshape(-1, 1)


class AttentionPool(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="glorot_uniform", name="w")

    def call(self, x):
        a = ops.softmax(ops.matmul(ops.tanh(x), self.w), axis=1)  # (batch, time, 1)
        return ops.sum(x * a, axis=1)  # weighted sum over time

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


inp = keras.Input((T,), dtype="int32")
h = layers.Embedding(V, 16)(inp)
h = AttentionPool()(h)
h = layers.Dense(16, activation="relu")(h)
out = layers.Dense(1)(h)
model = keras.Model(inp, out)
print("declared output shape:", model.output_shape)
model.compile(optimizer="adam", loss="mse")
hist = model.fit(x, y, epochs=10, batch_size=32, verbose=2)
print("actual output shape:", model.predict(x[:4], verbose=0).shape)
print("final loss %.4f  (target variance %.4f)" % (hist.history["loss"][-1], y.var()))
