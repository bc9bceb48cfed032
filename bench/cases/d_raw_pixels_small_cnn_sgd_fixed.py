"""Fixed twin of d_raw_pixels_small_cnn_sgd.py: the answer's normalisation, `x_train.astype('float32') / 255`, so the pixels are in [0, 1]; the same small CNN and SGD settings now learn the digits.

Measured here (TensorFlow CPU): final loss 0.045, training accuracy 0.99, all ten classes predicted.

Source: http://pullrequest.ru/10248037/cnn-keras-shodyatsya-odnomu-tomu-zhe-znacheniy-nezavisimo-vvoda
Causes: none
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

keras.utils.set_random_seed(31)

digits = load_digits()
x_train = np.round(digits.images * (255.0 / 16.0)).astype("float32")[..., None]  # 0..255
x_train = x_train.astype("float32") / 255
y_train = keras.utils.to_categorical(digits.target, 10)

model = keras.Sequential([
    keras.Input((8, 8, 1)),
    layers.Conv2D(32, 3, activation="relu", padding="same"),
    layers.Conv2D(32, 3, activation="relu", padding="same"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="categorical_crossentropy", metrics=["accuracy"])
hist = model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
pred = model.predict(x_train, verbose=0).argmax(1)
print("final loss %s  accuracy %.3f  distinct predicted classes %d" % (
    hist.history["loss"][-1], hist.history["accuracy"][-1], len(np.unique(pred))))
