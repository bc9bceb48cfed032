"""Fixed twin of o_zero_kernel_init_hidden.py: the kernels use Keras' default random (Glorot-uniform) initialisation instead of zeros, as the answer advises, so the hidden units start different, receive different gradients and learn different features. Same data, network, optimizer and budget.

Source: http://pullrequest.ru/11818227/neironnaya-set-odnim-skrytym-sloem-mozhet-byt-obuchena
Causes: none
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(11818227 % 100000)


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(32, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    k = model.layers[0].get_weights()[0]
    print("distinct hidden units after training: %d of 32" % len(np.unique(np.round(k, 6), axis=1).T))
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
