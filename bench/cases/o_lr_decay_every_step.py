"""A user's training script is meant to divide the learning rate by 10 every few epochs, but the schedule is applied per optimizer step, so the learning rate is divided by 10 at every step. The loss barely moves after the first few batches and stays near its starting value for the rest of the run; nothing crashes. After a handful of steps the effective learning rate is below 1e-10, so the optimizer has no remaining budget of progress, however many epochs are run.

Source: https://github.com/matteo-dunnhofer/imagenet/issues/10
Causes: FD302
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
        initial_learning_rate=1e-2, decay_steps=1, decay_rate=0.1, staircase=True)
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
