"""Rare-event detection: 4% positives with a strong signal, no class weights; the output
bias is initialised to the log-odds of the prior (the recipe of the Keras imbalanced-data
tutorial). Reports precision and recall of the rare class on held-out data.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 5000, 10
y = (rng.random(n) < 0.04).astype("float32")
x = rng.normal(size=(n, d)).astype("float32")
x[y == 1, :4] += 2.0
x_train, y_train, x_test, y_test = x[:4000], y[:4000], x[4000:], y[4000:]
prior = y_train.mean()

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid",
                           bias_initializer=keras.initializers.Constant(np.log(prior / (1 - prior)))),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=20, batch_size=64, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; precision {after['precision']:.3f}, "
      f"recall {after['recall']:.3f}; positives {int(y_train.sum())} of {len(y_train)}")
