"""A stateful LSTM classifier (`batch_input_shape=(200, timesteps, features)`, `stateful=True`, 128 units) for binary samples with a binary class label, trained with binary cross-entropy and Adam (one epoch in the question, three here); the accuracy is never above 55%, while a plain multilayer perceptron reaches about 97% on the same data. The accepted answer: a softmax over a single output unit always outputs the constant 1; use a sigmoid output (or two units with categorical cross-entropy). Re-created with synthetic binary sequences whose label depends on how many bits of the first features are set; labels as 0/1.

Measured here (TensorFlow CPU): validation accuracy 0.421, exactly the share of positives (every prediction is 1), while the validation loss (0.326, computed from the logits beneath the softmax) is the same as the fixed twin's, whose accuracy is 0.872.

Source: https://stackoverflow.com/questions/47241622/is-it-okay-to-use-stateful-recurrent-nn-lstm-for-classification
Causes: FD202
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
model.add(Dense(1, activation="softmax"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
hist = model.fit(tr_C, tr_r, batch_size=batch_size, epochs=3, shuffle=True, validation_data=(ts_C, ts_r), verbose=0)
print("class balance %.3f  val accuracy %.3f  val loss %.3f" % (
    ts_r.mean(), hist.history["val_accuracy"][-1], hist.history["val_loss"][-1]))
