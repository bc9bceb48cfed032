"""A seeded script whose training fails in the two ways that make the monitor probe deeper
mid-training: a warm-up past the stability limit overflows a regression MLP that has Dropout
(the curvature is measured on its last finite weights, through a training-mode forward pass
that draws), and an IRNN under a warm-up loses its units to gradient cliffs (the steps before
are replayed on a copy). After training it draws from every global RNG. Saves the IRNN's
weights, both optimizers' variables, the loss histories and the draws to sys.argv[1]."""
import sys

import keras
import numpy as np
from draws import global_draws
from keras import layers


keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((2048, 8)).astype("float32")
y = (x @ rng.normal(0, 1, (8, 1))).astype("float32")
y = (y - y.mean()) / y.std()
data = [x.copy(), y.copy()]
mlp = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="tanh"), layers.Dropout(0.1), layers.Dense(1)])
warmup = keras.optimizers.schedules.CosineDecay(0.001, decay_steps=1000, warmup_target=2.0, warmup_steps=320)
mlp.compile(optimizer=keras.optimizers.SGD(learning_rate=warmup), loss="mse")
first = mlp.fit(x, y, epochs=10, batch_size=64, verbose=0)

n, steps, units = 1024, 40, 32
sequences = rng.uniform(-1, 1, size=(n, steps, 2)).astype("float32")
sums = ((sequences[:, :, 0] - sequences[:, :, 1]).sum(1, keepdims=True) / np.sqrt(2 * steps / 3)).astype("float32")
data += [sequences.copy(), sums.copy()]
irnn = keras.Sequential([keras.Input((steps, 2)),
                         layers.SimpleRNN(units, activation="relu",
                                          recurrent_initializer=keras.initializers.Identity(gain=0.7)),
                         layers.Dense(1)])
rnn, head = irnn.layers
rnn.set_weights([rng.normal(0, 0.1, (2, units)).astype("float32"), rnn.get_weights()[1], np.zeros(units, "float32")])
head.set_weights([rng.normal(0, 0.1, (units, 1)).astype("float32"), np.zeros(1, "float32")])
schedule = keras.optimizers.schedules.CosineDecay(1e-4, decay_steps=2000, warmup_target=0.01, warmup_steps=320)
irnn.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9), loss="mse")
second = irnn.fit(sequences, sums, epochs=10, batch_size=32, verbose=0)

arrays = {
    **global_draws(),
    **{f"irnn_{i}": w for i, w in enumerate(irnn.get_weights())},
    **{f"optimizer_{v.path}": keras.ops.convert_to_numpy(v) for v in irnn.optimizer.variables},
    "mlp_iterations": keras.ops.convert_to_numpy(mlp.optimizer.iterations),
    "losses": np.array(first.history["loss"] + second.history["loss"]),
    "data_unchanged": np.array([np.array_equal(a, b) for a, b in zip(data, [x, y, sequences, sums])]),
}
np.savez(sys.argv[1], **arrays)
