"""2D Gaussian RBF layer, fixed twin of rbf_gaussian.py (Keras 3).

Origin: seed 000, a translated Stack Overflow question ("2D Gaussian RBF layer
converges only with batch_size 1"), written for Keras 2.

What changed against rbf_gaussian.py:
- `call` keeps the feature axis and returns shape (batch, 1), and
  `compute_output_shape` says (batch, 1), matching the (batch, 1) targets;
- full batch (1296) with Adam(learning_rate=0.03) for 300 epochs in one fit
  call, instead of SGD(1e-5) for 15 steps (too small a budget; a larger SGD
  rate walks the centre off the grid where every gradient vanishes).
The fit reaches a loss below 1e-6 and recovers (mean_x, mean_y, opening) =
(0, 0, 0.1). No plotting here.
"""
import numpy as np

import keras
from keras import ops
from keras.constraints import NonNeg
from keras.initializers import Constant
from keras.layers import Layer
from keras.models import Sequential

SEED = 1234
keras.utils.set_random_seed(SEED)


class RBFLayer2D(Layer):
    """50 * exp(-64.8 * opening * ((x - mean_x)^2 + (y - mean_y)^2)), shape (batch, 1)."""

    def build(self, input_shape):
        self.mean_x = self.add_weight(
            name="mean_x", shape=(), initializer=Constant(0.35), constraint=NonNeg()
        )
        self.mean_y = self.add_weight(
            name="mean_y", shape=(), initializer=Constant(0.35), constraint=NonNeg()
        )
        self.opening = self.add_weight(
            name="opening", shape=(), initializer=Constant(2.0), constraint=NonNeg()
        )
        super().build(input_shape)

    def call(self, x):
        x_m = x[:, 0:1] - self.mean_x  # slicing with 0:1 keeps the feature axis
        y_m = x[:, 1:2] - self.mean_y
        out = x_m * x_m + y_m * y_m
        return 50.0 * ops.exp(-64.8 * self.opening * out)  # (batch, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)


def twodenergy(phi, psi):
    r0 = np.array([-180, -180])
    b = 0.00005
    return 50.0 * np.exp(-b * ((phi - r0[0]) ** 2 + (psi - r0[1]) ** 2))


def make_data():
    """The 36 x 36 grid of the original, mapped from [-180, 180]^2 to [0, 1]^2."""
    anglestep = 10.0
    minangle, maxangle = -180.0, 180.0
    numsteps = int((maxangle - minangle) / anglestep)
    anglerange = maxangle - minangle
    numbins = numsteps * numsteps
    delta_angle_half = anglerange / (2.0 * numsteps)
    phi = np.arange(minangle, maxangle, anglestep)
    psi = np.arange(minangle, maxangle, anglestep)
    x_train = np.zeros((numbins, 2))
    y_train = np.zeros((numbins, 1))
    for x, ph in enumerate(phi):
        for y, ps in enumerate(psi):
            x_train[x * numsteps + y, 0] = (ph + delta_angle_half - minangle) / anglerange
            x_train[x * numsteps + y, 1] = (ps + delta_angle_half - minangle) / anglerange
            y_train[x * numsteps + y] = twodenergy(ph + delta_angle_half, ps + delta_angle_half)
    return x_train, y_train


if __name__ == "__main__":
    x_train, y_train = make_data()
    batch_size = len(x_train)  # 1296: the whole map in every step

    model = Sequential([keras.Input(shape=(2,)), RBFLayer2D()])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(learning_rate=0.03))
    model.fit(x_train, y_train, epochs=300, batch_size=batch_size, verbose=0)

    rbf = model.layers[0]
    final_loss = model.evaluate(x_train, y_train, batch_size=batch_size, verbose=0)
    print("final loss: %.3g (starts at ~156)" % final_loss)
    print(
        "mean_x=%.6f mean_y=%.6f opening=%.6f (target 0, 0, 0.1)"
        % tuple(float(ops.convert_to_numpy(w)) for w in (rbf.mean_x, rbf.mean_y, rbf.opening))
    )
