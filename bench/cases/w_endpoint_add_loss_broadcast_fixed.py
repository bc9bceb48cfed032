"""Fixed twin of w_endpoint_add_loss_broadcast.py: the endpoint layer reshapes the (batch,) target input to (batch, 1) before computing the hand-written squared error, so each prediction is compared only with its own target. The Conv1D amplitude estimator now fits (R2 close to 1).

Source: https://github.com/keras-team/keras/issues/16836
Causes: none
"""
import numpy as np

import keras
from keras import layers, ops

keras.utils.set_random_seed(29)

N, T = 1500, 64
t = np.linspace(0, 1, T)
amp = np.random.uniform(0.5, 3.0, N).astype("float32")
freq = np.random.uniform(2, 6, (N, 1))
phase = np.random.uniform(0, 2 * np.pi, (N, 1))
x = (amp[:, None] * np.sin(2 * np.pi * freq * t + phase) + np.random.normal(0, 0.3, (N, T)))[..., None].astype("float32")
y = ((amp - amp.mean()) / amp.std()).astype("float32")  # shape (N,)


class MSEEndpoint(layers.Layer):
    def call(self, targets, preds):
        targets = ops.reshape(targets, (-1, 1))  # same shape as preds
        self.add_loss(ops.mean(ops.square(targets - preds)))
        return preds


signal = keras.Input((T, 1), name="signal")
target = keras.Input((), name="target")
h = layers.Conv1D(16, 5, activation="relu")(signal)
h = layers.MaxPooling1D(2)(h)
h = layers.Conv1D(16, 5, activation="relu")(h)
h = layers.GlobalMaxPooling1D()(h)
pred = layers.Dense(1)(h)
out = MSEEndpoint()(target, pred)
model = keras.Model([signal, target], out)
model.compile(optimizer="adam")
hist = model.fit({"signal": x, "target": y}, epochs=8, batch_size=32, verbose=2)

predictor = keras.Model(signal, pred)
p = predictor.predict(x, verbose=0)[:, 0]
mse = float(np.mean((p - y) ** 2))
print("reported loss %.4f  true mse %.4f  R2 %.3f  pred std %.3f" % (hist.history["loss"][-1], mse, 1 - mse / y.var(), p.std()))
