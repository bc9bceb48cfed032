"""Sentiment analysis of movie reviews: each review as a sequence of word indices into an Embedding (4-dimensional vectors), one LSTM unit, and `Dense(1, activation='softmax')`, trained with binary cross-entropy and Adam. The accuracy stays at exactly 50% every epoch. The answers: a softmax over a single unit is always 1, so the model predicts the positive class for every review whatever it learns; use a sigmoid for a single binary output. Re-created with synthetic reviews of 60 tokens in which a few sentiment words decide the label; 10 epochs.

Measured here (TensorFlow CPU): test accuracy 0.482, exactly the share of positives (every review predicted positive), while the test loss (0.106, computed from the logit beneath the softmax) equals the fixed twin's, whose accuracy is 1.000.

Source: https://www.52sbl.cn/discussion/115307.html
Causes: FD202
"""
import numpy as np

import keras
from keras.layers import LSTM, Dense, Embedding

keras.utils.set_random_seed(29)
rng = np.random.default_rng(29)

n, sentence_len_max, vocab_size = 2400, 60, 300
term_idx = rng.integers(20, vocab_size, size=(n, sentence_len_max))
y = rng.integers(0, 2, size=n).astype("float32")
sentiment_words = np.where(y[:, None] == 1, rng.integers(1, 10, size=(n, 3)), rng.integers(10, 20, size=(n, 3)))
term_idx[:, -3:] = sentiment_words  # the verdict at the end of each review
term_idx_train, y_train, term_idx_test, y_test = term_idx[:2000], y[:2000], term_idx[2000:], y[2000:]

model = keras.Sequential()
model.add(keras.Input((sentence_len_max,), dtype="int32"))
model.add(Embedding(input_dim=vocab_size, output_dim=4))
model.add(LSTM(units=1))
model.add(Dense(1, activation="softmax"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(term_idx_train, y_train, epochs=10, batch_size=32, verbose=0)
loss, acc = model.evaluate(term_idx_test, y_test, verbose=0)
print("test loss %.3f  test accuracy %.3f (positives %.3f)" % (loss, acc, y_test.mean()))
