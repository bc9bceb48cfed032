"""Mean of two numbers learned by Dense(1), fixed twin of mean_generator.py (Keras 3).

Origin: seed 003, a translated blog post ("making a neural network: how not to
hurt your brain", habr.com 439038), written for Keras 2's fit_generator.

What changed: __getitem__ allocates a fresh input array for every batch
instead of refilling one buffer made in __init__, so a batch produced ahead
of time by the workers=4 threads is never overwritten before the training
step reads it; everything else is as in mean_generator.py. Dense(1) learns
y = (a + b) / 2 and predicts 65 for (73, 57).

The seeds fix the model's initial weights; the order in which the four worker
threads draw from np.random is up to the scheduler, so the data (and the last
digits of the result) vary from run to run, not the outcome.
"""
import numpy as np

import keras
from keras.layers import Dense, Input
from keras.models import Model

SEED = 1234
np.random.seed(SEED)
keras.utils.set_random_seed(SEED)


class MeanDataset(keras.utils.PyDataset):
    def __init__(self, batch_size=64, steps=1000, **kwargs):
        super().__init__(workers=4, **kwargs)
        self.batch_size = batch_size
        self.steps = steps

    def __len__(self):
        return self.steps

    def __getitem__(self, idx):
        x = np.zeros((self.batch_size, 2))  # a fresh buffer for every batch
        for i in range(self.batch_size):
            x[i][0] = np.random.randint(0, 100)
            x[i][1] = np.random.randint(0, 100)
        x_mean = (x[::, 0] + x[::, 1]) / 2
        x_mean_ex = np.expand_dims(x_mean, -1)
        return x, x_mean_ex


def create_model():
    x = Input(name="x", shape=(2,))
    x_mean = Dense(1)(x)
    model = Model(inputs=x, outputs=x_mean)
    return model


if __name__ == "__main__":
    model = create_model()
    model.compile(loss="mse", optimizer="rmsprop")
    dataset = MeanDataset()
    model.fit(dataset, epochs=5, verbose=1)

    x = np.array([[73.0, 57.0]])
    print(x, (x[:, 0] + x[:, 1]) / 2, model.predict(x, verbose=0))
