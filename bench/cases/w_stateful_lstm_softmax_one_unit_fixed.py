"""Fixed twin of w_stateful_lstm_softmax_one_unit.py: the accepted answer's first option, a sigmoid output unit with binary cross-entropy; the stateful LSTM, its fixed batch of 200 and everything else unchanged. The classifier now learns the label.

Measured here (TensorFlow CPU): validation accuracy 0.872 (positives 0.421), validation loss 0.326.

Source: https://stackoverflow.com/questions/47241622/is-it-okay-to-use-stateful-recurrent-nn-lstm-for-classification
Causes: none
"""
import numpy as np
from sklearn.model_selection import train_test_split

import keras
from keras.layers import LSTM, Dense

keras.utils.set_random_seed(53)
rng = np.random.default_rng(53)

n, steps, feats = 10000, 16, 8
C = rng.integers(0, 2, size=(n, steps, feats)).astype("float32")
r = (C[:, :, :3].sum(axis=(1, 2)) > 24).astype("float32")  # 48 bits, label = more than half set

tr_C, ts_C, tr_r, ts_r = train_test_split(C, r, train_size=.8, random_state=53)
batch_size = 200

model = keras.Sequential()
model.add(keras.Input(batch_shape=(batch_size, C.shape[1], C.shape[2])))
model.add(LSTM(128, return_sequences=False, stateful=True))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
hist = model.fit(tr_C, tr_r, batch_size=batch_size, epochs=3, shuffle=True, validation_data=(ts_C, ts_r), verbose=0)
print("class balance %.3f  val accuracy %.3f  val loss %.3f" % (
    ts_r.mean(), hist.history["val_accuracy"][-1], hist.history["val_loss"][-1]))
