"""Fixed twin of w_sigmoid_activation_layer_categorical_images.py: the answer's softmax on the output layer, with categorical cross-entropy: the classes' probabilities of each image sum to 1 and the classifier learns the digits.

Measured here (TensorFlow CPU): test accuracy 0.882, test loss 0.470, probabilities summing to 1.00.

Source: http://pullrequest.ru/9781727/nuzhna-pomosch-vybore-funktsii-poteri
Causes: none
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras.layers import Activation, Dense, Flatten, Input

keras.utils.set_random_seed(97)

digits = load_digits()
x = (digits.images / 16.0).astype("float32")
y = keras.utils.to_categorical(digits.target, 10)
x_train, y_train, x_test, y_test = x[:1400], y[:1400], x[1400:], y[1400:]

model = keras.Sequential()
model.add(Input((8, 8)))
model.add(Flatten())
model.add(Dense(512, activation="relu"))
model.add(Dense(10))
model.add(Activation("softmax"))
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
p = model.predict(x_test, verbose=0)
print("test loss %.3f  accuracy %.3f  class probabilities per image sum to %.2f..%.2f" % (
    loss, acc, p.sum(1).min(), p.sum(1).max()))
