"""Three-class iris classification with sparse integer labels, trained by SGD with Nesterov
momentum on standardised measurements.

Source: original
Causes: none
"""
import numpy as np
import keras
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(3)

X, y = load_iris(return_X_y=True)
X = X.astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=3)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std

model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=40, batch_size=16, verbose=0)
print(f"test accuracy {model.evaluate(X_test, y_test, verbose=0)[1]:.3f}")
