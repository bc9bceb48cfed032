"""An MLP tags documents (bag-of-words counts) with any of 11 topics; targets come from a multi-label binarizer, usually 2-3 ones per row, and the model ends in an 11-way softmax trained with categorical cross-entropy. Training runs without complaint but thresholding the outputs at 0.5 recovers almost none of the tags: a softmax makes the 11 scores compete for a total of 1, so a document with three true tags can at best score about 1/3 on each.

Source: https://stackoverflow.com/questions/44164749/how-does-keras-handle-multilabel-classification
Causes: FD202
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(41)

N, V, K = 2000, 200, 11
topic_words = [np.random.choice(V, 12, replace=False) for _ in range(K)]
y = np.zeros((N, K), dtype="float32")
x = np.random.poisson(0.3, (N, V)).astype("float32")
for i in range(N):
    tags = np.random.choice(K, np.random.randint(2, 4), replace=False)
    y[i, tags] = 1.0
    for k in tags:
        x[i, topic_words[k]] += np.random.poisson(1.5, 12)
x = np.log1p(x)

model = keras.Sequential(
    [
        keras.Input((V,)),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.1),
        layers.Dense(64, activation="relu"),
        layers.Dense(K, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")
hist = model.fit(x, y, epochs=8, batch_size=64, verbose=2)
pred = model.predict(x, verbose=0) >= 0.5
tp = (pred & (y > 0)).sum()
print("final loss %.3f  tag recall %.3f  tag precision %.3f  rows fully right %.3f" % (
    hist.history["loss"][-1], tp / y.sum(), tp / max(pred.sum(), 1), np.mean((pred == (y > 0)).all(1))))
