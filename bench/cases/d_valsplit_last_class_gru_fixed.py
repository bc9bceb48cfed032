"""Fixed twin of d_valsplit_last_class_gru.py: the traces, generated motion type by motion type, are shuffled together with their labels before fit(), so validation_split=0.1 holds out a sample of all four types. The GRU now reports a validation accuracy that tracks its training accuracy.

Source: https://github.com/keras-team/keras/issues/4298
Causes: none
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(11)

T = 24
t = np.linspace(0, 1, T)


def traces(kind, n):
    phase = np.random.uniform(0, 2 * np.pi, (n, 1))
    if kind == 0:
        s = np.sin(2 * np.pi * 2 * t + phase)
    elif kind == 1:
        s = np.sin(2 * np.pi * 5 * t + phase)
    elif kind == 2:
        s = np.sign(np.sin(2 * np.pi * 3 * t + phase))
    else:
        s = np.cumsum(np.random.normal(0, 0.3, (n, T)), axis=1)
    return (s + np.random.normal(0, 0.2, (n, T)))[..., None].astype("float32")


n_per = [300, 300, 300, 100]
x = np.concatenate([traces(k, n) for k, n in enumerate(n_per)])
y = np.concatenate([np.full(n, k) for k, n in enumerate(n_per)])
perm = np.random.permutation(len(x))
x, y = x[perm], y[perm]

model = keras.Sequential([keras.Input((T, 1)), layers.GRU(16), layers.Dense(4, activation="softmax")])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x, y, epochs=8, batch_size=32, validation_split=0.1, verbose=2)
print("train acc %.3f  val acc %.3f" % (hist.history["accuracy"][-1], hist.history["val_accuracy"][-1]))
