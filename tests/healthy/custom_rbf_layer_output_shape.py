"""A custom radial-basis-function layer (centres and widths via add_weight, centres initialised
from the data range) with a correct compute_output_shape, followed by a softmax head;
three-class classification of 2-D points on rings.
"""
import numpy as np
import keras
from keras import ops

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


class RBF(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.centres = self.add_weight(shape=(self.units, input_shape[-1]),
                                       initializer=keras.initializers.RandomUniform(-1.5, 1.5), name="centres")
        self.log_width = self.add_weight(shape=(self.units,), initializer="zeros", name="log_width")

    def call(self, inputs):
        diff = ops.expand_dims(inputs, 1) - self.centres  # (B, units, d)
        dist2 = ops.sum(diff * diff, axis=-1)
        return ops.exp(-dist2 / (2.0 * ops.exp(2.0 * self.log_width) * 0.25))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


n = 1800
label = rng.integers(0, 3, n)
radius = 0.4 + 0.45 * label + 0.08 * rng.normal(size=n)
angle = rng.uniform(0, 2 * np.pi, n)
x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype("float32")
x_train, y_train, x_test, y_test = x[:1400], label[:1400], x[1400:], label[1400:]

model = keras.Sequential([keras.Input((2,)), RBF(32), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=25, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.33)")
