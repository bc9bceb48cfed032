"""Multiplication layer learning k = 2, fixed twin of multiplication_lr.py (Keras 3).

Origin: seed 001, a translated Stack Overflow question ("Keras custom layer
gives strange results"), written for Keras 2.

What changed: the optimizer is SGD(learning_rate=0.004) instead of 'sgd'
(default 0.01). The MSE curvature in k is 2 * mean(x^2) = 247 for
x = arange(20), so gradient descent is stable only below 2 / 247 = 0.0081;
0.004 is about 1 / curvature and shrinks the error ~80-fold per step, so
10 epochs end at k = 2.0000.
"""
import numpy as np

import keras
from keras.initializers import Constant
from keras.layers import Input, Layer
from keras.models import Model

SEED = 1234
keras.utils.set_random_seed(SEED)


class MultiplicationLayer(Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="multiplicand", shape=(1,), initializer=Constant(1.0), trainable=True
        )
        self.built = True

    def call(self, x):
        return self.kernel * x

    def compute_output_shape(self, input_shape):
        return input_shape


if __name__ == "__main__":
    inp = Input(shape=(1,))
    multiply = MultiplicationLayer()(inp)

    model = Model(inp, multiply)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.004), loss="mse")

    x_train = np.arange(20)
    y_train = 2 * x_train

    model.fit(x_train, y_train, epochs=10, verbose=0)
    print(model.layers[1].get_weights())
