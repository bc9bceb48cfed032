"""Fixed twin of o_linear_unit_rmsprop_ten_points.py: the answer's fix, many more optimizer steps. Here one sample per batch (ten steps an epoch) for 300 epochs, 3000 RMSprop steps at the same learning rate of 0.005: the slope reaches about 10 and the predictions for x = 11..13 are close to 110..130.

Measured here (TensorFlow CPU): final loss 17.8 (from about 3900), slope 8.66, predictions 104, 113, 122 for 11..13.

Source: https://devhide.com/using-keras-for-simple-linear-regression-model-not-predicting-correctly-78199673
Causes: none
"""
import numpy as np

import keras

keras.utils.set_random_seed(7)

x = np.arange(1, 11, dtype="float32").reshape(-1, 1)
y = 10.0 * x

model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(units=1)])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="mse")
hist = model.fit(x, y, epochs=300, batch_size=1, verbose=0)
pred = model.predict(np.array([[11.0], [12.0], [13.0]], dtype="float32"), verbose=0)[:, 0]
print("final loss %.2f  slope %.3f  predictions for 11..13 %s" % (
    hist.history["loss"][-1], float(model.layers[0].kernel.numpy()[0, 0]), np.round(pred, 1)))
