"""Fixed twin of w_softmax_multilabel_tags.py: following the accepted answer, the 11 outputs use independent sigmoids and the loss is binary cross-entropy, so each tag is a separate yes/no decision and several can be on at once. The same MLP now recovers most tags at a 0.5 threshold.

Source: https://stackoverflow.com/questions/44164749/how-does-keras-handle-multilabel-classification
Causes: none
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
        layers.Dense(K, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
hist = model.fit(x, y, epochs=8, batch_size=64, verbose=2)
pred = model.predict(x, verbose=0) >= 0.5
tp = (pred & (y > 0)).sum()
print("final loss %.3f  tag recall %.3f  tag precision %.3f  rows fully right %.3f" % (
    hist.history["loss"][-1], tp / y.sum(), tp / max(pred.sum(), 1), np.mean((pred == (y > 0)).all(1))))
