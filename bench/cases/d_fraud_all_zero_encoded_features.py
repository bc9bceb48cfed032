"""Transactions are compressed to 5 features (here: a fixed random projection of 28 anonymised columns, standing in for the autoencoder of the report) and fed to an MLP with two hidden layers of 10 ReLU units, trained with SGD. Fraud is about 0.3% of the rows; the loss flattens after a few epochs and every transaction is predicted legitimate, with 99.7% accuracy and not one fraud flagged. The frauds are too rare for the loss to care about them: predicting "legitimate" for all rows is already nearly optimal.

Source: https://stackoom.com/en/question/4QOjQ
Causes: FD104
"""
import numpy as np

import keras
from keras import layers

keras.utils.set_random_seed(17)

n, n_fraud = 6000, 18
raw = np.random.normal(0, 1, (n, 28))
y = np.zeros(n, dtype="float32")
fraud = np.random.choice(n, n_fraud, replace=False)
y[fraud] = 1.0
raw[fraud, :6] += 1.8  # frauds differ in a few raw columns
proj = np.random.normal(0, 1 / np.sqrt(28), (28, 5))
x = (raw @ proj).astype("float32")
x = (x - x.mean(0)) / x.std(0)

model = keras.Sequential(
    [
        keras.Input((5,)),
        layers.Dense(10, activation="relu"),
        layers.Dense(10, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.AUC(name="auc")])
hist = model.fit(x, y, epochs=12, batch_size=64, verbose=2)
pred = model.predict(x, verbose=0)[:, 0] > 0.5
print("accuracy %.4f  auc %.3f  frauds flagged %d/%d  rows flagged %d" % (
    hist.history["accuracy"][-1], hist.history["auc"][-1], pred[y == 1].sum(), int(y.sum()), pred.sum()))
