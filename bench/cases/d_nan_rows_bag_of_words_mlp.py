"""An MLP classifies documents into six topics from normalised bag-of-words features, loaded from a feature file in which a handful of documents have no words at all. The loss is nan from the first epoch and accuracy falls to chance: row-normalising those empty documents divides 0 by 0, leaving rows of NaN in the input matrix, and a single NaN row poisons the gradients of every batch it lands in and then the weights themselves.

Source: https://github.com/danielegrattarola/keras-gat/issues/14
Causes: FD101
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(73)

N, V, K = 1500, 300, 6
topic_words = [np.random.choice(V, 25, replace=False) for _ in range(K)]
y = np.random.randint(0, K, N)
counts = np.random.poisson(0.05, (N, V)).astype("float32")
for i in range(N):
    counts[i, topic_words[y[i]]] += np.random.poisson(0.6, 25)
counts[np.random.choice(N, 6, replace=False)] = 0.0  # documents with no extracted words
X = counts / counts.sum(axis=1, keepdims=True)  # row-normalise: 0/0 for the empty ones

model = keras.Sequential(
    [keras.Input((V,)), layers.Dense(64, activation="elu"), layers.Dropout(0.3), layers.Dense(K, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(X, y, epochs=8, batch_size=64, verbose=2)
print("final loss %s  accuracy %.3f  nan rows %d" % (hist.history["loss"][-1], hist.history["accuracy"][-1], np.isnan(X).any(1).sum()))
