"""Binary classifier with explicit validation_data and an EarlyStopping callback on val_loss
(patience 5, restore_best_weights); the epoch budget (100) is an upper bound.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 3000, 10
x = rng.normal(size=(n, d)).astype("float32")
y = ((x[:, 0] - x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + 0.5 * rng.normal(size=n)) > 0).astype("float32")
x_train, y_train = x[:2000], y[:2000]
x_val, y_val = x[2000:2500], y[2000:2500]
x_test, y_test = x[2500:], y[2500:]

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=32,
          callbacks=[stop], verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; accuracy {after['accuracy']:.3f}; "
      f"stopped at epoch {stop.stopped_epoch}")
