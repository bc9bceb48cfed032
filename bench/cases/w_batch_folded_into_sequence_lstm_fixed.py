"""Fixed twin of w_batch_folded_into_sequence_lstm.py: the frames are grouped into one sample per recording, shape (recordings, time, features), and the LSTM runs over each recording's own time axis (return_sequences=True, a per-frame Dense on top), so a frame's context is the previous frames of the same recording and no sample depends on the others in its batch. Same data, LSTM size, optimizer and number of epochs.

Source: https://github.com/keras-team/keras/issues/6448
Causes: none
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


def build_model(t=40, f=4):
    inp = keras.Input(shape=(t, f))
    seq = layers.LSTM(16, return_sequences=True)(inp)
    out = layers.Dense(2, activation="softmax")(seq)
    return keras.Model(inp, out)


def main():
    x, y = make_frames()
    x_seq, y_seq = x.reshape(60, 40, 4), y.reshape(60, 40)     # one sample per recording
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x_seq, y_seq, batch_size=4, epochs=12, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
