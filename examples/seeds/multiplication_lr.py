"""Multiplication layer whose loss explodes with 20 numbers (Keras 3 port, bug kept).

Origin: seed 001, a translated Stack Overflow question ("Keras custom layer
gives strange results"), written for Keras 2.

A layer with one weight k returns k * x and should learn k = 2 from
x = arange(20), y = 2x. With 10 numbers it converges; with 20 it diverges.

Bug: the default SGD learning rate 0.01 is above the stability limit
2 / curvature = 2 / (2 * mean(x^2)) = 0.0081 for x = arange(20), so every
step overshoots further and the loss grows about 2.2x per epoch.
"""
import numpy as np

import keras
from keras.initializers import Constant
from keras.layers import Input, Layer
from keras.models import Model

keras.utils.set_random_seed(1234)


class MultiplicationLayer(Layer):
    def __init__(self, **kwargs):
        super(MultiplicationLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        # Create a trainable weight variable for this layer.
        self.kernel = self.add_weight(
            name="multiplicand", shape=(1,), initializer=Constant(1.0), trainable=True
        )
        self.built = True

    def call(self, x):
        return self.kernel * x

    def compute_output_shape(self, input_shape):
        return input_shape


if __name__ == "__main__":
    # input is a single scalar
    input = Input(shape=(1,))
    multiply = MultiplicationLayer()(input)

    model = Model(input, multiply)
    model.compile(optimizer="sgd", loss="mse")

    input_data = np.arange(20)
    output_data = 2 * input_data
    x_train, y_train = input_data, output_data

    model.fit(input_data, output_data, epochs=10)
    print(model.layers[1].get_weights())
