"""Pre-flight on a ~5.3M-parameter MLP with 4096 samples: prints the growth of the peak RSS
(MiB) during fitdoctor.diagnose and the pre-flight seconds, as JSON."""
import json
import resource
import time

import keras
import numpy as np

import fitdoctor

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).standard_normal((4096, 512)).astype("float32")
y = np.random.default_rng(1).integers(0, 10, 4096)
model = keras.Sequential([keras.Input((512,)), keras.layers.Dense(2048, activation="relu"),
                          keras.layers.Dense(2048, activation="relu"), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
model.predict(x[:4096], batch_size=4096, verbose=0)  # the framework's own buffers for a full batch
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
began = time.perf_counter()
fitdoctor.diagnose(model, x, y, batch_size=4096, epochs=5)
seconds = time.perf_counter() - began
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"parameters": model.count_params(), "peak_growth_mib": after - before, "seconds": seconds}))
