"""Functional model with two named inputs (numeric features, and token ids through an
Embedding) and two named outputs (a regression 'score' and a 3-class 'category'), fit with
dicts of arrays, a loss per output and loss_weights.
"""
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)

n, d, length, vocab = 2500, 6, 10, 50
numeric = rng.normal(size=(n, d)).astype("float32")
tokens = rng.integers(0, vocab, size=(n, length)).astype("int32")
token_signal = (tokens < 10).sum(1) - (tokens >= 40).sum(1)  # some ids push up, some down
score = (numeric[:, 0] - 0.5 * numeric[:, 1] + 0.3 * token_signal).astype("float32")
category = np.digitize(numeric[:, 2] + 0.5 * token_signal, [-0.7, 0.7])
x = {"numeric": numeric, "tokens": tokens}
y = {"score": score, "category": category}
train = slice(0, 2000)
test = slice(2000, None)


def part(data, index):
    return {key: value[index] for key, value in data.items()}


numeric_in = keras.Input((d,), name="numeric")
tokens_in = keras.Input((length,), dtype="int32", name="tokens")
embedded = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(vocab, 8)(tokens_in))
h = keras.layers.Concatenate()([numeric_in, embedded])
h = keras.layers.Dense(64, activation="relu")(h)
outputs = {
    "score": keras.layers.Dense(1, name="score")(h),
    "category": keras.layers.Dense(3, activation="softmax", name="category")(h),
}
model = keras.Model({"numeric": numeric_in, "tokens": tokens_in}, outputs)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss={"score": "mse", "category": "sparse_categorical_crossentropy"},
    loss_weights={"score": 1.0, "category": 0.5},
    metrics={"category": ["accuracy"]},
)
before = model.evaluate(part(x, test), part(y, test), verbose=0, return_dict=True)
model.fit(part(x, train), part(y, train), epochs=20, batch_size=32, verbose=0)
after = model.evaluate(part(x, test), part(y, test), verbose=0, return_dict=True)
print(f"test loss {before['loss']:.4g} -> {after['loss']:.4g}; score mse {after['score_loss']:.3g} "
      f"(var {score[test].var():.3g}); category accuracy {after['category_accuracy']:.3f}")
