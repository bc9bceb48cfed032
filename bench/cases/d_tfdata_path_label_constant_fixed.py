"""Fixed twin of d_tfdata_path_label_constant.py: the label regex accepts either path separator ([\\/]), so automobile images really get label 1 and airplane images label 0 (the fix in the report was to handle Windows paths). The small CNN fed by the tf.data pipeline now separates the two classes.

Source: https://github.com/lyhue1991/eat_tensorflow2_in_30_days/issues/23
Causes: none
"""
import numpy as np
import tensorflow as tf

import keras
from keras import layers

keras.utils.set_random_seed(67)

N, S = 600, 16
kinds = np.random.choice(["automobile", "airplane"], N)
paths = np.array(["data\\cifar2\\train\\%s\\%d.jpg" % (k, i) for i, k in enumerate(kinds)])
images = np.random.normal(0, 0.2, (N, S, S, 1)).astype("float32")
images[kinds == "automobile", 10:14, 2:14, 0] += 1.0  # cars: a bar near the bottom
images[kinds == "airplane", 2:6, 2:14, 0] += 1.0  # planes: a bar near the top


def attach_label(path, img):
    label = tf.where(tf.strings.regex_full_match(path, r".*[\\/]automobile[\\/].*"), 1, 0)
    return img, label


ds = tf.data.Dataset.from_tensor_slices((paths, images)).map(attach_label).shuffle(N, seed=1).batch(32)

model = keras.Sequential(
    [
        keras.Input((S, S, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
hist = model.fit(ds, epochs=5, verbose=2)
p = model.predict(images, verbose=0)[:, 0]
truth = (kinds == "automobile").astype(int)
print("final loss %.4f  reported accuracy %.3f  labels seen %s  accuracy vs true classes %.3f" % (
    hist.history["loss"][-1], hist.history["accuracy"][-1],
    np.unique(np.concatenate([b[1].numpy() for b in ds])), np.mean((p > 0.5) == truth)))
