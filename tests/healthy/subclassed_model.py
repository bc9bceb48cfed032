"""A subclassed keras.Model (layers created in __init__, forward pass in call, a Dropout used
only when training) for 4-class classification with integer labels.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


class Classifier(keras.Model):
    def __init__(self, classes, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(64, activation="relu")
        self.hidden2 = keras.layers.Dense(32, activation="relu")
        self.dropout = keras.layers.Dropout(0.1)
        self.head = keras.layers.Dense(classes, activation="softmax")

    def call(self, inputs, training=False):
        h = self.hidden1(inputs)
        h = self.dropout(h, training=training)
        return self.head(self.hidden2(h))


k, d, n = 4, 10, 2500
centres = rng.normal(0, 1.0, size=(k, d))
y = rng.integers(0, k, n)
x = (centres[y] + rng.normal(size=(n, d))).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = Classifier(k)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} (chance 0.25)")
