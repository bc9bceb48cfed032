"""A multi-class image classifier (ten classes, a flattened image into a wide hidden layer, plain SGD, 8 epochs) whose output is a Dense layer of ten units followed by a separate sigmoid Activation layer, trained with categorical cross-entropy; the author compares losses and is puzzled by the numbers. The answer: categorical cross-entropy is the right loss for the multi-class problem, but a sigmoid on the output layer is surprising: why not the classical softmax? Ten independent sigmoids are not a distribution over the classes: the predicted "probabilities" of an image do not sum to 1. (Keras 3 on TensorFlow computes this cross-entropy from the logits beneath the sigmoid, so the loss itself looks like a softmax model's.) Re-created with scikit-learn's 8x8 digits.

Measured here (TensorFlow CPU): test accuracy 0.882 and test loss 0.470, the same as the softmax twin's (the loss is computed from the logits), but each image's ten class probabilities sum to 4.0..5.6.

Source: http://pullrequest.ru/9781727/nuzhna-pomosch-vybore-funktsii-poteri
Causes: FD202
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
model.add(Activation("sigmoid"))
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
p = model.predict(x_test, verbose=0)
print("test loss %.3f  accuracy %.3f  class probabilities per image sum to %.2f..%.2f" % (
    loss, acc, p.sum(1).min(), p.sum(1).max()))
