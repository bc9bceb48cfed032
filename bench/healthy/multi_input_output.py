"""A functional model with two inputs (numeric features and a category id through an
Embedding) and two outputs (a standardised regression target and a binary label), with a loss
per output.

Source: original
Causes: none
"""
import numpy as np
import keras

keras.utils.set_random_seed(15)
rng = np.random.default_rng(15)

n = 1500
num = rng.normal(size=(n, 5)).astype("float32")
cat = rng.integers(0, 10, size=(n, 1)).astype("int32")
cat_effect = np.linspace(-1, 1, 10)[cat[:, 0]]
price = num @ np.array([0.5, -0.3, 0.2, 0.0, 0.8]) + cat_effect + rng.normal(scale=0.2, size=n)
price = ((price - price.mean()) / price.std()).astype("float32")
sold = ((num[:, 0] + cat_effect + rng.normal(scale=0.3, size=n)) > 0).astype("float32")

num_in = keras.Input(shape=(5,), name="numeric")
cat_in = keras.Input(shape=(1,), dtype="int32", name="category")
e = keras.layers.Flatten()(keras.layers.Embedding(10, 4)(cat_in))
h = keras.layers.Concatenate()([num_in, e])
h = keras.layers.Dense(32, activation="relu")(h)
price_out = keras.layers.Dense(1, name="price")(h)
sold_out = keras.layers.Dense(1, activation="sigmoid", name="sold")(h)
model = keras.Model([num_in, cat_in], [price_out, sold_out])
model.compile(optimizer="adam",
              loss={"price": "mse", "sold": "binary_crossentropy"},
              metrics={"sold": ["accuracy"]})
model.fit({"numeric": num[:1200], "category": cat[:1200]},
          {"price": price[:1200], "sold": sold[:1200]}, epochs=15, batch_size=32, verbose=0)
results = model.evaluate({"numeric": num[1200:], "category": cat[1200:]},
                         {"price": price[1200:], "sold": sold[1200:]}, verbose=0, return_dict=True)
print({k: round(float(v), 3) for k, v in results.items()})
