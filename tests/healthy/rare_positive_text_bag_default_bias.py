"""A rare-positive text classifier (about 6% positives): token ids into an Embedding, mean
pooling, a sigmoid output with its default zero bias, so the initial mean prediction is
0.5 against a prior of 0.06. Adam moves the bias to the prior within the first steps and
the model learns the few tokens that mark a positive; reports precision and recall of the
positive class on held-out data. Measured (TensorFlow CPU): prior 0.061, test loss 0.695 ->
0.012, precision 1.000, recall 1.000.
"""
import numpy as np
import keras

keras.utils.set_random_seed(6)
rng = np.random.default_rng(6)

n, length, vocab = 4000, 30, 400
tokens = rng.integers(10, vocab, size=(n, length))
y = (rng.random(n) < 0.06).astype("float32")
marks = rng.integers(1, 10, size=(n, 4))  # ids 1..9 mark a positive text
tokens[y == 1, :4] = marks[y == 1]
for row in tokens:
    rng.shuffle(row)
x_train, y_train, x_test, y_test = tokens[:3000], y[:3000], tokens[3000:], y[3000:]

model = keras.Sequential([
    keras.Input((length,), dtype="int32"),
    keras.layers.Embedding(vocab, 16),
    keras.layers.GlobalAveragePooling1D(),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")])
before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print(f"prior {y_train.mean():.3f}  test loss {before['loss']:.3f} -> {after['loss']:.3f}  "
      f"precision {after['precision']:.3f}  recall {after['recall']:.3f}")
