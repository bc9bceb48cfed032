"""Fixed twin of w_three_classes_sigmoid_unit_bce_cnn.py: the answer's fix, `Dense(3)` with a softmax activation, categorical cross-entropy and categorical (one-hot) labels (class_mode='categorical'); the CNN learns the three classes.

Measured here (TensorFlow CPU): test accuracy over the three classes 1.000.

Source: https://newbedev.com/cnn-with-keras-accuracy-not-improving
Causes: none
"""
import numpy as np

import keras
from keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D

keras.utils.set_random_seed(61)
rng = np.random.default_rng(61)

n, side = 900, 24
labels = rng.integers(0, 3, size=n)
rows, cols = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
patterns = np.stack([np.sin(rows / 1.5), np.sin(cols / 1.5), np.sin((rows + cols) / 2.0)])  # three textures
images = 0.5 + 0.35 * patterns[labels][..., None] * rng.uniform(0.6, 1.0, size=(n, 1, 1, 3))
images = (images + rng.normal(scale=0.15, size=images.shape)).astype("float32")
y = keras.utils.to_categorical(labels, 3)  # class_mode='categorical'
input_shape = (side, side, 3)

model = keras.Sequential()
model.add(keras.Input(input_shape))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(64, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(64))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(3))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(images[:700], y[:700], epochs=8, batch_size=32, verbose=0)
pred = model.predict(images[700:], verbose=0).argmax(1)
print("test accuracy over the three classes %.3f" % float(np.mean(pred == labels[700:])))
