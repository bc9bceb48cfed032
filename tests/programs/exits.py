"""Calls sys.exit with its own status after training."""
import sys

import keras
import numpy as np

model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((8, 2)), np.zeros((8, 1)), verbose=0)
sys.exit(4)
