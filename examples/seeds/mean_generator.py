"""Mean of two numbers learned by Dense(1), fed by a dataset that reuses its buffer
(Keras 3 port, bug kept).

Origin: seed 003, a translated blog post ("making a neural network: how not to
hurt your brain", habr.com 439038), written for Keras 2's fit_generator.

A data source yields batches of 64 pairs of integers in [0, 100) and their
mean; Dense(1) with RMSprop and MSE should learn y = (a + b) / 2.

Bug: the dataset allocates ONE input buffer in __init__ and refills it in place
for every batch while the targets are fresh arrays; with workers=4 batches are
produced ahead of the training step, so the inputs a step sees have already
been overwritten by a later batch and no longer match their targets.
(The Keras 2 original used a generator with fit_generator's prefetch queue.)
"""
import numpy as np

import keras
from keras.layers import Dense, Input
from keras.models import Model

np.random.seed(1234)
keras.utils.set_random_seed(1234)


class MeanDataset(keras.utils.PyDataset):
    def __init__(self, batch_size=64, steps=1000, **kwargs):
        super().__init__(workers=4, **kwargs)
        self.batch_size = batch_size
        self.steps = steps
        self.x = np.zeros((batch_size, 2))  # allocated once, refilled by every batch

    def __len__(self):
        return self.steps

    def __getitem__(self, idx):
        x = self.x
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
