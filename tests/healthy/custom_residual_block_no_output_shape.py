"""Custom layers without compute_output_shape (Keras infers it): a residual MLP block holding
two Dense sublayers and a LayerNormalization, and a learnable per-feature scale layer.
Regression of a smooth function of 6 features.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


class ResidualBlock(keras.layers.Layer):
    def __init__(self, hidden, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden

    def build(self, input_shape):
        self.inner = keras.layers.Dense(self.hidden, activation="relu")
        self.outer = keras.layers.Dense(input_shape[-1])
        self.norm = keras.layers.LayerNormalization()
        self.inner.build(input_shape)
        self.outer.build((*input_shape[:-1], self.hidden))
        self.norm.build(input_shape)

    def call(self, inputs):
        return self.norm(inputs + self.outer(self.inner(inputs)))


class FeatureScale(keras.layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, inputs):
        return inputs * self.scale


n = 2000
x = rng.normal(size=(n, 6)).astype("float32")
y = (np.sin(x[:, 0]) * x[:, 1] + 0.5 * np.cos(2 * x[:, 2]) + 0.3 * x[:, 3] * x[:, 4]).astype("float32")
x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]

model = keras.Sequential(
    [
        keras.Input((6,)),
        FeatureScale(),
        keras.layers.Dense(32),
        ResidualBlock(64),
        ResidualBlock(64),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
before = model.evaluate(x_test, y_test, verbose=0)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0)
print(f"test mse {before:.4g} -> {after:.4g} (target var {y_test.var():.3g})")
