"""Multi-label tagging: 5 independent tags per sample, each a (noisy) function of 12 features.
Sigmoid outputs with binary cross-entropy; several tags may be on at once.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 2500, 12
x = rng.normal(size=(n, d)).astype("float32")
w = rng.normal(size=(d, 5))
scores = x @ w + 0.8 * np.sin(x[:, :5] * 2)
y = (scores + 0.3 * rng.normal(size=scores.shape) > 0.5).astype("float32")
x_train, y_train, x_test, y_test = x[:2000], y[:2000], x[2000:], y[2000:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(5, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=25, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; per-tag accuracy "
      f"{after['binary_accuracy']:.3f}; tags per sample {y.sum(1).mean():.2f}, tag rates {np.round(y.mean(0), 2)}")
