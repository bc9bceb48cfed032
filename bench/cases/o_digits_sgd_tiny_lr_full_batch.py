"""A user trains a one-hidden-layer network (128 sigmoid units, softmax output, mean squared error) on the first 1000 handwritten digits with SGD at learning rate 0.001 and batch_size=1000, so every epoch is a single optimizer step. The loss barely moves from epoch to epoch and accuracy stays near chance; only a learning rate above 1 made it converge. With one step per epoch, a tiny learning rate, and MSE on a softmax output (whose gradient is much flatter than cross-entropy's), the budget of steps is nowhere near enough to make progress.

Source: https://stackoverflow.com/questions/73462535
Causes: FD302, FD202
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(73462535 % 100000)


def main():
    digits = load_digits()
    x = (digits.data[:1000] / 16.0).astype("float32")
    y = keras.utils.to_categorical(digits.target[:1000], 10)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(128, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001), loss="mean_squared_error",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=1000, epochs=40, verbose=0)
    print("loss: first %.5f  last %.5f" % (hist.history["loss"][0], hist.history["loss"][-1]))
    print("final accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
