"""A noisy regression run whose loss rises for a few epochs in the middle and then falls
below its earlier best: SGD with momentum under a cosine schedule with a warm restart
(`CosineDecayRestarts`), whose jump back to the full learning rate at the restart lifts
the loss for a few epochs before the second cycle anneals it lower than the first. Measured (TensorFlow CPU): best
epoch loss 0.038 at epoch 8, then 0.096, 0.112, 0.116, 0.198 (epochs 9-12), falling to 0.023
at epoch 24; test mse 0.073 against a target variance of 0.93.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import make_friedman1

keras.utils.set_random_seed(14)

x, y = make_friedman1(n_samples=1600, noise=1.0, random_state=14)
x = ((x - x.mean(0)) / x.std(0)).astype("float32")
y = ((y - y.mean()) / y.std()).astype("float32")
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

steps_per_epoch = 1200 // 16
schedule = keras.optimizers.schedules.CosineDecayRestarts(
    initial_learning_rate=0.08, first_decay_steps=8 * steps_per_epoch, t_mul=2.0, m_mul=1.0)
model = keras.Sequential([
    keras.Input((10,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.SGD(schedule, momentum=0.9), loss="mse")
hist = model.fit(x_train, y_train, epochs=24, batch_size=16, verbose=0)
print("loss by epoch %s" % np.round(hist.history["loss"], 3))
print(f"test mse {model.evaluate(x_test, y_test, verbose=0):.3f} (target var {y_test.var():.3f})")
