"""Fixed twin of o_lr_decay_every_step.py: the decay is applied every 3 epochs (decay_steps = 3 x 29 optimizer steps) instead of every step, which is what the user intended, so the learning rate stays at 1e-2 long enough to make progress. Same CNN, data, optimizer and budget.

Source: https://github.com/matteo-dunnhofer/imagenet/issues/10
Causes: none
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(10)


def main():
    digits = load_digits()
    x = (digits.images / 16.0)[..., None].astype("float32")
    y = digits.target.astype("int32")
    schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=1e-2, decay_steps=3 * 29, decay_rate=0.1, staircase=True)  # /10 every 3 epochs (29 steps each)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu", padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=64, epochs=8, verbose=0)
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
