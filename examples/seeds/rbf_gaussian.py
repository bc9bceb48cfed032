"""2D Gaussian RBF layer that will not fit with a large batch (Keras 3 port, bug kept).

Origin: seed 000, a translated Stack Overflow question ("2D Gaussian RBF layer
converges only with batch_size 1"), written for Keras 2.

A custom layer with three scalar weights (mean_x, mean_y, opening) computes
50 * exp(-64.8 * opening * ((x - mean_x)^2 + (y - mean_y)^2)) on a 36 x 36 grid
in [0, 1]^2; the target is the same family at (0, 0, 0.1), so the optimal loss
is 0. This port keeps the author's desired case, batch_size = 1296 (the whole
grid), and the original loop of fifteen 1-epoch fits with a plot after each.

Bug: with plain SGD at learning_rate=1e-5 and full batch, 15 steps can remove
only a few units of a loss of ~156, so the fit "freezes" (and `call` returns
shape (batch,) while `compute_output_shape` claims (batch, input_dim // 2),
a wrong contract that Keras 2 broadcast to (B, B) in the loss).

Run headless with MPLBACKEND=Agg (plt.show() then returns at once).
"""
import numpy as np

np.random.seed(1234)
import matplotlib.pyplot as plt  # noqa: E402

import keras  # noqa: E402
from keras import ops  # noqa: E402
from keras.constraints import NonNeg  # noqa: E402
from keras.initializers import Constant  # noqa: E402
from keras.layers import Layer  # noqa: E402
from keras.models import Sequential  # noqa: E402
from keras.optimizers import SGD  # noqa: E402

keras.utils.set_random_seed(1234)


# 2D RBF Layer
# Input: x,y Pairs, shape: (2,)
# Output: exp(a* ((x-x_0)**2 + (y-y_0)**2)), shape: (1,)
# Parameters: x_0, y_0, a - called: mean_x, mean_y and opening in the following code:
# x and y should both lie in [0,1] - only [0,infinity] is enforced currently
class RBFLayer2D(Layer):
    def __init__(self, **kwargs):
        super(RBFLayer2D, self).__init__(**kwargs)

    def build(self, input_shape):
        # Create a trainable weight variable for this layer.
        self.mean_x = self.add_weight(
            name="mean_x", shape=(), initializer=Constant(0.35), constraint=NonNeg()
        )
        self.mean_y = self.add_weight(
            name="mean_y", shape=(), initializer=Constant(0.35), constraint=NonNeg()
        )
        self.opening = self.add_weight(
            name="opening", shape=(), initializer=Constant(2.0), constraint=NonNeg()
        )
        super(RBFLayer2D, self).build(input_shape)

    def call(self, x):
        x_m = x[:, 0] - self.mean_x
        y_m = x[:, 1] - self.mean_y
        out = x_m * x_m + y_m * y_m
        outexp = 50.0 * ops.exp(-64.8 * self.opening * out)
        # Output: exp(-a* ((x-x_0)**2 + (y-y_0)**2))
        return outexp  # shape (batch,) -- the bug: the contract below says (batch, 1)

    def compute_output_shape(self, input_shape):
        # If Inputshape is (None, N) Outputshape is (None,N/2)
        # In our example we only look at (None, 2), which outputs (None,1)
        output_shape = (input_shape[0], input_shape[1] // 2)
        return output_shape


# The function we want to train.
# It can be exactly represented using a single Neuron.
def twodenergy(phi, psi):
    r0 = np.array([-180, -180])
    b = 0.00005
    return 50.0 * np.exp(-b * ((phi - r0[0]) ** 2 + (psi - r0[1]) ** 2))


# One of two plotting helper functions to show the results
def make_plot(y, numsteps, numbins, minangle, maxangle, plotnum, batch_size):
    evaluation = np.zeros((numsteps, numsteps))
    for i in range(0, numbins):
        mx = i % numsteps
        my = int(i / numsteps)
        evaluation[mx, my] = y[i]
    plt.imshow(evaluation.T, origin="lower", extent=[minangle, maxangle, minangle, maxangle])
    plt.xlabel("x")
    plt.ylabel("y")
    if plotnum == 0:
        plt.title("Startconfiguration")
    else:
        plt.title("RBF for batch_size %i at frame %03d" % (batch_size, plotnum))
    plt.show()


# One of two plotting helper functions to show the target function
def plot_target_function(phi, psi, minangle, maxangle, delta_angle_half, numbins, numsteps):
    eval_matrix_corr = np.zeros((numsteps, numsteps))
    for i in range(0, numbins):
        mx = i % numsteps
        my = int(i / numsteps)
        ph = phi[mx] + delta_angle_half
        ps = psi[my] + delta_angle_half
        eval_matrix_corr[mx, my] = twodenergy(ph, ps)
    plt.imshow(eval_matrix_corr.T, origin="lower", extent=[minangle, maxangle, minangle, maxangle])
    plt.title("Target Function")
    plt.xlabel("phi")
    plt.ylabel("psi")
    plt.show()


if __name__ == "__main__":
    # batch_size == 1: converges very often nearly independent of input parameters
    # batch_size == 2: no to slow convergence, but distribution stays in the right place more or less
    # batch_size == 3-12: random walk
    # batch_size == 1296: no movement in case of low learning_rate, random_walk in case of high learning_rate
    # (this is the case where the whole map is evaluated in every step.
    # 1296 is our desired testcase, because it evaluates the whole map we want to fit.
    batch_size = 1296
    learning_rate = 1e-5

    ### Here we generate the target function ###
    ### f(phi,psi)
    ### phi is [-180,180]
    ### psi is [-180,180]
    anglestep = 10.0
    minangle = -180.0
    maxangle = 180.0
    numsteps = int((maxangle - minangle) / anglestep)
    anglerange = maxangle - minangle
    numbins = numsteps * numsteps
    delta_angle_half = anglerange / (2.0 * numsteps)
    phi = np.arange(minangle, maxangle, anglestep)
    psi = np.arange(minangle, maxangle, anglestep)

    # Target Function Plot, Gaussian in lower left
    plot_target_function(phi, psi, minangle, maxangle, delta_angle_half, numbins, numsteps)

    # Input Parameter Regularization
    # we map -180..180 to 0..1
    # we also calculate the training parameters for our x,y pairs:
    x_train = np.zeros((numbins, 2))
    y_train = np.zeros((numbins, 1))
    for x, ph in enumerate(phi):
        for y, ps in enumerate(psi):
            x_train[x * numsteps + y, 0] = (ph + delta_angle_half - minangle) / (anglerange)
            x_train[x * numsteps + y, 1] = (ps + delta_angle_half - minangle) / (anglerange)
            y_train[x * numsteps + y] = twodenergy(ph + delta_angle_half, ps + delta_angle_half)

    # Prediction with Keras
    model = Sequential()
    # Single RBF Layer, only one node
    model.add(keras.Input(shape=(2,)))
    model.add(RBFLayer2D())
    sgd = SGD(learning_rate=learning_rate)
    model.compile(loss="mean_squared_error", optimizer=sgd)

    # We plot the starting configuration.
    y = model.predict(x_train, batch_size=batch_size)
    make_plot(y, numsteps, numbins, minangle, maxangle, 0, batch_size)

    # Plot the first 15 iterations:
    for i in range(0, 15):
        # For demonstration purposes, we fit 1 epoch and plot the output.
        model.fit(x_train, y_train, epochs=1, batch_size=batch_size)
        y = model.predict(x_train, batch_size=batch_size)
        make_plot(y, numsteps, numbins, minangle, maxangle, 1 + i, batch_size)
