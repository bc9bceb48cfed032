"""Fixed twin of o_digits_sgd_tiny_lr_full_batch.py: the softmax output is trained with categorical cross-entropy instead of MSE and the optimizer is Adam with learning rate 0.01, so each of the 40 full-batch steps makes real progress. Same data, network, batch size and epochs.

Source: https://stackoverflow.com/questions/73462535
Causes: none
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
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=1000, epochs=40, verbose=0)
    print("loss: first %.5f  last %.5f" % (hist.history["loss"][0], hist.history["loss"][-1]))
    print("final accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
