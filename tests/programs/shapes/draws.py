"""What the side-effect programs draw from every global RNG after training (imported by the
programs in this folder, which run as scripts with it on their path)."""
import random

import keras
import numpy as np


def backend_draw():
    backend = keras.backend.backend()
    if backend == "torch":
        import torch

        return torch.rand(3).numpy()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.random.uniform((3,)).numpy()  # the op seed counter (tf.random.get_global_generator is unseeded)
    return np.zeros(3)  # JAX has no global RNG; keras.random below is its only one


def global_draws():
    return {
        "python_random": np.array([random.random()]),
        "numpy_random": np.random.standard_normal(3),
        "keras_random": keras.ops.convert_to_numpy(keras.random.normal((3,))),
        "backend_random": backend_draw(),
    }
