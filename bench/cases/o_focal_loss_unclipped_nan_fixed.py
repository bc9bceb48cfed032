"""Fixed twin of o_focal_loss_unclipped_nan.py: as suggested in the thread, the predicted probabilities are clipped to [epsilon, 1 - epsilon] inside the focal loss, so log(p) and the derivative of (1 - p) ** gamma stay finite even when the sigmoid saturates. Same data, model, optimizer and budget.

Source: https://github.com/mkocabas/focal-loss-keras/issues/5
Causes: none
"""
import numpy as np
import keras
from keras import layers, ops
from sklearn.datasets import make_classification

keras.utils.set_random_seed(5)


def focal_loss(alpha=0.25, gamma=0.5):
    def loss(y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        eps = keras.config.epsilon()
        y_pred = ops.clip(y_pred, eps, 1.0 - eps)   # keep p away from exactly 0 and 1
        pos = -alpha * ops.power(1.0 - y_pred, gamma) * ops.log(y_pred)
        neg = -(1.0 - alpha) * ops.power(y_pred, gamma) * ops.log(1.0 - y_pred)
        return ops.mean(y_true * pos + (1.0 - y_true) * neg, axis=-1)
    return loss


def main():
    x, y = make_classification(n_samples=2000, n_features=20, n_informative=10, class_sep=2.0,
                               flip_y=0.02, random_state=0)
    x = x.astype("float32")
    y = y.reshape(-1, 1).astype("float32")
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=focal_loss(), metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    print("loss per epoch:", [float("%.4g" % v) for v in hist.history["loss"]])
    print("final accuracy %.4f" % hist.history["accuracy"][-1])


if __name__ == "__main__":
    main()
