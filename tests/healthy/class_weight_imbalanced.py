"""Binary classification with a moderate 1:9 class imbalance, trained with balanced
class_weight (n / (2 * count) per class); recall on the rare class is reported.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d = 3000, 8
y = (rng.random(n) < 0.1).astype("float32")
x = rng.normal(size=(n, d)).astype("float32")
x[y == 1, :3] += 1.2
x_train, y_train, x_test, y_test = x[:2400], y[:2400], x[2400:], y[2400:]
counts = np.bincount(y_train.astype(int))
class_weight = {c: len(y_train) / (2.0 * counts[c]) for c in (0, 1)}

model = keras.Sequential(
    [
        keras.Input((d,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.Recall(name="recall")])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, class_weight=class_weight, epochs=20, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
pred = model.predict(x_test, verbose=0)[:, 0] > 0.5
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; rare-class recall {after['recall']:.3f}; "
      f"balanced accuracy {(pred[y_test == 1].mean() + (~pred[y_test == 0]).mean()) / 2:.3f}; "
      f"positives {counts[1]} of {len(y_train)}")
