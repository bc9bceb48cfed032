"""A user builds a small 1D-convolutional classifier for noisy waveforms and puts its two-layer Dense classifier head inside a Lambda layer (the Dense objects are created outside and called from the lambda). fit() runs and the loss moves a little, but accuracy stays well below what the network should reach. The Lambda layer does not track the weights of the layer called inside it, so the classifier head (both Dense layers) is not among the model's trainable weights and keeps its random initial values; only the convolution underneath is trained, against a frozen random readout.

Source: https://github.com/keras-team/keras/issues/11430
Causes: FD204
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(11430)


def make_data(n=1200, t=64):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=n)
    freqs = np.array([2.0, 4.0, 7.0, 11.0])
    time = np.linspace(0, 1, t)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    x = np.sin(2 * np.pi * freqs[y][:, None] * time[None, :] + phase)
    x += 0.6 * rng.standard_normal((n, t))
    return x[..., None].astype("float32"), y.astype("int32")


def build_model():
    hidden = layers.Dense(16, activation="relu")
    head = layers.Dense(4, activation="softmax")
    inp = keras.Input(shape=(64, 1))
    h = layers.Conv1D(8, 5, activation="relu")(inp)
    h = layers.GlobalMaxPooling1D()(h)
    out = layers.Lambda(lambda t: head(hidden(t)))(h)
    return keras.Model(inp, out)


def main():
    x, y = make_data()
    model = build_model()
    print("trainable weight tensors:", len(model.trainable_weights))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    print("final loss %.4f  accuracy %.4f" % (hist.history["loss"][-1], hist.history["accuracy"][-1]))


if __name__ == "__main__":
    main()
