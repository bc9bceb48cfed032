"""A user has recordings stored frame by frame (one row per frame) and wants an LSTM to use the previous frames as context, so inside the model a Lambda reshapes the whole batch into a single sequence, (batch, features) -> (1, batch, features), runs the LSTM over it and reshapes back to one row per frame. Training runs without error, but accuracy stalls far below what a per-recording LSTM reaches on a label ("is the signal rising at this frame?") that needs only the previous frame of the same recording. The reshape folds the batch axis into the time axis, so each frame's prediction depends on whichever frames fit.py put before it in the batch; with the default shuffling those are unrelated frames from other recordings, and the temporal context the model was built for does not exist.

Source: https://github.com/keras-team/keras/issues/6448
Causes: FD205
"""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(6448)


def make_frames(n_rec=60, t=40, f=4):
    # each recording is a smooth random walk; label of a frame: channel 0 went up since the previous frame
    rng = np.random.default_rng(9)
    steps = rng.normal(0, 1, size=(n_rec, t, f))
    rec = np.cumsum(steps, axis=1) * 0.3 + rng.normal(0, 1, size=(n_rec, 1, f))
    y = np.zeros((n_rec, t), dtype="int32")
    y[:, 1:] = (rec[:, 1:, 0] > rec[:, :-1, 0]).astype("int32")
    return rec.reshape(-1, f).astype("float32"), y.reshape(-1)


def build_model(f=4):
    inp = keras.Input(shape=(f,))
    seq = layers.Lambda(lambda t: ops.reshape(t, (1, -1, f)))(inp)          # the batch becomes the time axis
    seq = layers.LSTM(16, return_sequences=True)(seq)
    h = layers.Lambda(lambda t: ops.reshape(t, (-1, 16)))(seq)              # back to one row per frame
    out = layers.Dense(2, activation="softmax")(h)
    return keras.Model(inp, out)


def main():
    x, y = make_frames()
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=40, epochs=12, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
