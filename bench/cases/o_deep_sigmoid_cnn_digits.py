"""A user stacks many layers with logistic-sigmoid activations (here a small digit-recognition CNN with six sigmoid convolution layers) and trains it with SGD (momentum 0.9); the network does not learn: the loss stays at log(10) and accuracy at chance. Each sigmoid layer multiplies the back-propagated error by a derivative of at most 0.25, so after six of them the gradient reaching the first convolutions is thousands of times smaller than at the top, and the early layers (and therefore the whole network) make no progress.

Source: https://stackoverflow.com/questions/20009078
Causes: FD303
"""
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(20009078 % 100000)


def build_model(activation, init):
    model = keras.Sequential([keras.Input(shape=(8, 8, 1))])
    for _ in range(6):
        model.add(layers.Conv2D(16, 3, padding="same", activation=activation, kernel_initializer=init))
    model.add(layers.GlobalAveragePooling2D())
    model.add(layers.Dense(10, activation="softmax"))
    return model


def main():
    digits = load_digits()
    x = (digits.images / 16.0)[..., None].astype("float32")
    y = digits.target.astype("int32")
    model = build_model("sigmoid", "glorot_uniform")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    print("loss: first %.4f  last %.4f  accuracy %.4f" % (
        hist.history["loss"][0], hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
