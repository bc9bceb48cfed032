"""Wine cultivar classification with one-hot labels and categorical cross-entropy, optimised
with RMSprop.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(4)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=4)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")
Y_train = keras.utils.to_categorical(y_train, 3)
Y_test = keras.utils.to_categorical(y_test, 3)

model = keras.Sequential([
    keras.Input(shape=(13,)),
    keras.layers.Dense(24, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
model.fit(X_train, Y_train, epochs=40, batch_size=16, verbose=0)
print(f"test accuracy {model.evaluate(X_test, Y_test, verbose=0)[1]:.3f}")
