"""Fixed twin of w_single_unit_tanh_output_line.py: the question's own working version and the answer's conclusion, no activation on the single neuron, so its output is linear and can reach the targets; the prediction for x = 10 comes out near 21.

Measured here (TensorFlow CPU): final loss 0.093, prediction for 10 is 21.7.

Source: https://kiwix.lema.org/stackoverflow.com_en_all_2023-11/questions/62641394/when-do-we-not-need-activation-function
Causes: none
"""
import numpy as np

import keras


def HW_numbers(x):
    return (2 * x) + 1


keras.utils.set_random_seed(2)
x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], dtype="float32").reshape(-1, 1)
y = np.array(HW_numbers(x))

model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(units=1)])
model.compile(optimizer="sgd", loss="mean_squared_error")
hist = model.fit(x, y, epochs=30, verbose=0)
print("final loss %.3f  prediction for 10: %.3f (target 21)" % (
    hist.history["loss"][-1], float(model.predict(np.array([[10.0]], dtype="float32"), verbose=0)[0, 0])))
