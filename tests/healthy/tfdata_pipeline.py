"""A tf.data input pipeline (from_tensor_slices -> shuffle -> batch -> prefetch) feeding a
binary classifier; the validation set is a second batched tf.data.Dataset.
Needs the TensorFlow package (any Keras backend can consume tf.data).
"""
import numpy as np
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2400, 10
x = rng.normal(size=(n, d)).astype("float32")
y = ((np.sin(x[:, 0]) + x[:, 1] * x[:, 2] - 0.3 * x[:, 3]) > 0).astype("float32")
train = (tf.data.Dataset.from_tensor_slices((x[:2000], y[:2000]))
         .shuffle(2000, seed=0).batch(32).prefetch(tf.data.AUTOTUNE))
test = tf.data.Dataset.from_tensor_slices((x[2000:], y[2000:])).batch(128)

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
before = model.evaluate(test, verbose=0, return_dict=True)
model.fit(train, validation_data=test, epochs=15, verbose=0)
after = model.evaluate(test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f} "
      f"(positive rate {y[2000:].mean():.2f})")
