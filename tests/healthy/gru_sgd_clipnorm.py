"""Recurrent model trained the classic way: SGD with momentum 0.9, learning rate 0.05 and
gradient-norm clipping (clipnorm=1.0), a GRU reading noisy sequences and predicting
whether their running mean ends above zero.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, steps = 2500, 15
drift = rng.choice([-0.3, 0.3], size=(n, 1))
x = (drift + rng.normal(size=(n, steps))).astype("float32")[..., None]
y = (x.mean(axis=(1, 2)) > 0).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential(
    [
        keras.Input((steps, 1)),
        keras.layers.GRU(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, clipnorm=1.0),
              loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}")
