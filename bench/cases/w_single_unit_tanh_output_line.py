"""A one-neuron model learns y = 2x + 1 from seven points (x = 1..7) with SGD for 30 epochs and predicts about 21 for x = 10; adding an activation to that Dense layer ('relu', 'sigmoid', 'tanh', ...) makes the prediction "weird". The accepted answer: with tanh or sigmoid the neuron's output is limited to [-1, 1] or [0, 1], so it can never be more than one, while the targets are 3..15 (and with relu a negative initial weight gives zero output); for this problem the output must be linear. Re-created with the tanh variant.

Measured here (TensorFlow CPU): final loss 80.1, prediction for 10 is 1.000; the fixed twin reaches loss 0.093 and predicts 21.7.

Source: https://kiwix.lema.org/stackoverflow.com_en_all_2023-11/questions/62641394/when-do-we-not-need-activation-function
Causes: FD207
"""
import numpy as np

import keras


def HW_numbers(x):
    return (2 * x) + 1


keras.utils.set_random_seed(2)
x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], dtype="float32").reshape(-1, 1)
y = np.array(HW_numbers(x))

model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(units=1, activation="tanh")])
model.compile(optimizer="sgd", loss="mean_squared_error")
hist = model.fit(x, y, epochs=30, verbose=0)
print("final loss %.3f  prediction for 10: %.3f (target 21)" % (
    hist.history["loss"][-1], float(model.predict(np.array([[10.0]], dtype="float32"), verbose=0)[0, 0])))
