"""Fixed twin of w_softmax_single_unit_lstm_pm1.py: the output unit uses a sigmoid instead of a one-unit softmax (the accepted answer) and the +1/-1 labels are mapped to 1/0 before binary cross-entropy. The LSTM now learns whether more 1s fall in the first or the second half of the binary sequence.

Source: https://stackoverflow.com/questions/47241622/is-it-okay-to-use-stateful-recurrent-nn-lstm-for-classification
Causes: none
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
y01 = (y + 1.0) / 2.0  # binary cross-entropy needs 0/1 targets

model = keras.Sequential([keras.Input((T, 1)), layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
hist = model.fit(x, y01, epochs=6, batch_size=32, verbose=2)
p = model.predict(x, verbose=0)[:, 0]
print("final loss %.4f  accuracy %.3f  distinct outputs %d" % (
    hist.history["loss"][-1], np.mean(np.where(p > 0.5, 1.0, -1.0) == y), len(np.unique(np.round(p, 4)))))
