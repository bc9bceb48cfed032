"""An LSTM classifies binary sequences whose label is +1 or -1 (here: whether more 1s fall in the first half of the sequence than in the second). The output is Dense(1, activation="softmax") with binary cross-entropy, and accuracy sits near chance: the single-unit softmax outputs the constant 1.0 whatever the input, and the -1 labels are not valid targets for binary cross-entropy (which expects 0/1) in the first place. The accepted answer replaced the softmax by a sigmoid; the labels also have to be mapped to 0/1.

Source: https://stackoverflow.com/questions/47241622/is-it-okay-to-use-stateful-recurrent-nn-lstm-for-classification
Causes: FD202, FD106
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(9)

N, T = 1200, 20
x = (np.random.rand(N, T, 1) < 0.5).astype("float32")
first, second = x[:, : T // 2, 0].sum(1), x[:, T // 2:, 0].sum(1)
keep = first != second
x, first, second = x[keep], first[keep], second[keep]
y = np.where(first > second, 1.0, -1.0).astype("float32")  # labels are +1 / -1

model = keras.Sequential([keras.Input((T, 1)), layers.LSTM(32), layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
hist = model.fit(x, y, epochs=6, batch_size=32, verbose=2)
p = model.predict(x, verbose=0)[:, 0]
print("final loss %.4f  accuracy %.3f  distinct outputs %d" % (
    hist.history["loss"][-1], np.mean(np.where(p > 0.5, 1.0, -1.0) == y), len(np.unique(np.round(p, 4)))))
