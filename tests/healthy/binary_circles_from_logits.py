"""Binary classification of concentric circles with a linear output (logits) and
BinaryCrossentropy(from_logits=True); probabilities come from a sigmoid at prediction time.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)


def circles(n):
    label = rng.integers(0, 2, n)
    radius = np.where(label == 1, 0.5, 1.0) + 0.1 * rng.normal(size=n)
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return x.astype("float32"), label.astype("float32")


x_train, y_train = circles(1500)
x_test, y_test = circles(500)

model = keras.Sequential(
    [
        keras.Input((2,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],
)
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
prob = keras.ops.convert_to_numpy(keras.ops.sigmoid(model.predict(x_test[:3], verbose=0)))[:, 0]
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; "
      f"accuracy {after['binary_accuracy']:.3f}; p(inner) {np.round(prob, 2)} for labels {y_test[:3]}")
