"""A deeper MLP with BatchNormalization and Dropout between its layers on a noisy synthetic
three-class problem, with a held-out validation set.

Source: original
Causes: none
"""
import keras
from sklearn.datasets import make_classification

keras.utils.set_random_seed(14)

X, y = make_classification(n_samples=2000, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=3, flip_y=0.02, random_state=14)
X = X.astype("float32")

model = keras.Sequential([keras.Input(shape=(20,))])
for units in (64, 64, 32):
    model.add(keras.layers.Dense(units))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dropout(0.2))
model.add(keras.layers.Dense(3, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(X[:1600], y[:1600], validation_data=(X[1600:], y[1600:]), epochs=15,
                    batch_size=64, verbose=0)
print(f"final val accuracy {history.history['val_accuracy'][-1]:.3f}")
