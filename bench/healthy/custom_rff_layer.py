"""A custom layer (learned random Fourier features, weights created with add_weight) inside a
functional regression model on a smooth 2-D function.

Source: original
Causes: none
"""
import numpy as np
import keras
from keras import ops

keras.utils.set_random_seed(12)
rng = np.random.default_rng(12)


class FourierFeatures(keras.layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def build(self, input_shape):
        self.freq = self.add_weight(shape=(input_shape[-1], self.units),
                                    initializer=keras.initializers.RandomNormal(stddev=self.scale),
                                    name="freq")
        self.phase = self.add_weight(shape=(self.units,),
                                     initializer=keras.initializers.RandomUniform(0, 6.283),
                                     name="phase")

    def call(self, x):
        return ops.cos(ops.matmul(x, self.freq) + self.phase)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)


X = rng.uniform(-1, 1, size=(1500, 2)).astype("float32")
y = (np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1])).astype("float32")[:, None]
y = (y - y.mean()) / y.std()

inputs = keras.Input(shape=(2,))
h = FourierFeatures(64, scale=2.0)(inputs)
h = keras.layers.Dense(32, activation="relu")(h)
outputs = keras.layers.Dense(1)(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
model.fit(X[:1200], y[:1200], epochs=20, batch_size=32, verbose=0)
print(f"test mse {model.evaluate(X[1200:], y[1200:], verbose=0):.4f} (target variance 1.0)")
