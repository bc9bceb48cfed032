"""A small CNN should say whether a 16x16 image contains a horizontal bar or a vertical bar; it ends in Dense(1, activation="softmax") trained with categorical cross-entropy on 0/1 labels. The loss is 0 from the first step and nothing changes: a softmax over a single unit is exp(z)/exp(z) = 1 for every input, so the prediction is the constant 1, the loss has no gradient, and a threshold at 0.5 labels every image "horizontal".

Source: https://stats.stackexchange.com/questions/481881/convolutional-neural-network-fails-even-when-given-answer
Causes: FD202
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(5)

N, S = 800, 16
x = np.random.normal(0, 0.3, (N, S, S, 1)).astype("float32")
y = np.random.randint(0, 2, N)
for i in range(N):
    r, c = np.random.randint(2, S - 2, 2)
    if y[i] == 1:
        x[i, r, 2:S - 2, 0] += 1.5  # horizontal bar
    else:
        x[i, 2:S - 2, c, 0] += 1.5  # vertical bar
y = y.reshape(-1, 1).astype("float32")

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")
hist = model.fit(x, y, epochs=5, batch_size=32, verbose=2)
p = model.predict(x, verbose=0)
print("final loss %.4f  accuracy(p>0.5) %.3f  distinct outputs %d" % (
    hist.history["loss"][-1], np.mean((p > 0.5) == (y > 0.5)), len(np.unique(np.round(p, 4)))))
