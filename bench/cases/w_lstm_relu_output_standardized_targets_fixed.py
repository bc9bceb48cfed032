"""Fixed twin of w_lstm_relu_output_standardized_targets.py: the output unit is linear instead of ReLU, so the model can predict the negative half of the standardised targets. Same data, LSTM, optimizer and budget.

Source: https://stackoverflow.com/questions/60306255
Causes: none
"""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(60306255 % 100000)


def make_windows(n_steps=1400, window=24):
    rng = np.random.default_rng(11)
    t = np.arange(n_steps)
    series = np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 13) + 0.1 * rng.standard_normal(n_steps)
    series = (series - series.mean()) / series.std()
    x = np.stack([series[i:i + window] for i in range(n_steps - window)])[..., None]
    y = series[window:].reshape(-1, 1)
    return x.astype("float32"), y.astype("float32")


def main():
    x, y = make_windows()
    model = keras.Sequential([
        keras.Input(shape=(24, 1)),
        layers.LSTM(16),
        layers.Dense(1),  # linear output: standardised targets are signed
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    hist = model.fit(x, y, batch_size=64, epochs=6, verbose=0)
    pred = model.predict(x, verbose=0)
    print("negative targets: %.0f%%, negative predictions: %.0f%%" % (100 * (y < 0).mean(), 100 * (pred < 0).mean()))
    print("final mse %.4f (target variance %.4f)" % (hist.history["loss"][-1], float(y.var())))


if __name__ == "__main__":
    main()
