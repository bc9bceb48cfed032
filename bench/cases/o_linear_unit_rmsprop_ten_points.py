"""A first Keras model: one Dense unit (linear regression) fitted to ten points of y = 10x (x = 1..10) with RMSprop at learning rate 0.005 for 100 epochs; the predictions for x = 11, 12, 13 are far from 110, 120, 130. The answer explains the model has simply not converged: with ten samples every epoch is a single optimizer step, and RMSprop moves each weight by about its learning rate per step, so 100 steps carry the slope about 0.5 of the 10 it needs; it needs many more iterations.

Measured here (TensorFlow CPU): final loss 3863, slope -0.09, predictions for 11..13 about -0.5; the fixed twin reaches slope 8.7 and loss 17.8.

Source: https://devhide.com/using-keras-for-simple-linear-regression-model-not-predicting-correctly-78199673
Causes: FD302
"""
import numpy as np

import keras

keras.utils.set_random_seed(7)

x = np.arange(1, 11, dtype="float32").reshape(-1, 1)
y = 10.0 * x

model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(units=1)])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="mse")
hist = model.fit(x, y, epochs=100, verbose=0)
pred = model.predict(np.array([[11.0], [12.0], [13.0]], dtype="float32"), verbose=0)[:, 0]
print("final loss %.2f  slope %.3f  predictions for 11..13 %s" % (
    hist.history["loss"][-1], float(model.layers[0].kernel.numpy()[0, 0]), np.round(pred, 1)))
