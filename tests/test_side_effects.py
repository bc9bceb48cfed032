"""fitdoctor changes nothing it observes, on every backend: weights, BatchNorm statistics,
optimizer variables and iterations, seed generators, the global RNGs (Python, NumPy, Keras,
the backend's own), the build state fit() relies on, and the data."""

import copy
import os
import random
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import PROGRAMS, ROOT
from fitdoctor.probes import backends

pytestmark = pytest.mark.backends


def _numpy(value):
    return np.array(keras.ops.convert_to_numpy(value))


def _model():
    numbers, ids = keras.Input((6,), name="numbers"), keras.Input((5,), dtype="int32", name="ids")
    embedded = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(ids))
    hidden = keras.layers.Dense(16, activation="relu")(keras.layers.Concatenate()([numbers, embedded]))
    hidden = keras.layers.GaussianNoise(0.1)(hidden)
    hidden = keras.layers.Dropout(0.3)(keras.layers.BatchNormalization()(hidden))
    model = keras.Model({"numbers": numbers, "ids": ids}, keras.layers.Dense(3, activation="softmax")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _data(n=96):
    rng = np.random.default_rng(0)
    x = {"numbers": rng.standard_normal((n, 6)).astype("float32"), "ids": rng.integers(1, 20, (n, 5))}
    y = rng.integers(0, 3, n)
    return x, y, rng.uniform(0.5, 1.5, n).astype("float32")


def _state(model):
    """Everything of the model, its optimizer and the process that a probe could write."""
    from keras.src.random.seed_generator import global_seed_generator

    generators = [g for layer in model._flatten_layers() for g in getattr(layer, "_seed_generators", [])]
    return {
        "weights": [np.array(w) for w in model.get_weights()],  # BatchNorm statistics included
        "optimizer": [_numpy(v.value) for v in model.optimizer.variables],  # iterations included
        "metrics": [_numpy(v.value) for v in model.metrics_variables],
        "seed_generators": [_numpy(g.state.value) for g in generators] + [_numpy(global_seed_generator().state.value)],
        "python": random.getstate(),
        "numpy": np.random.get_state()[1].copy(),
        "backend": _backend_rng(),
    }


def _backend_rng():
    if keras.backend.backend() == "torch":
        import torch

        return torch.random.get_rng_state().numpy().copy()
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.random.get_global_generator().state.numpy().copy()
    return None  # JAX has no global RNG


def _equal(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(p, q) for p, q in zip(a, b))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


def test_diagnose_after_training_changes_no_state_and_no_data():
    keras.utils.set_random_seed(7)
    model = _model()
    x, y, sw = _data()
    model.fit(x, y, sample_weight=sw, batch_size=32, epochs=1, verbose=0)  # optimizer, BN state non-trivial
    _backend_rng()  # creates TensorFlow's global generator before the snapshot
    before, data = _state(model), copy.deepcopy((x, y, sw))
    from fitdoctor import diagnose

    diagnose(model, x, y, sample_weight=sw, batch_size=32, epochs=5, validation_split=0.2)
    after = _state(model)
    for name in before:
        assert _equal(before[name], after[name]), f"diagnose() changed {name}"
    for original, now in zip(keras.tree.flatten(data), keras.tree.flatten((x, y, sw))):
        assert np.array_equal(original, now)


def _draws():
    """What the rest of a script would draw: every global RNG, and an unseeded initializer."""
    later = keras.layers.Dense(2)
    later.build((None, 3))
    draws = [np.array([random.random()]), np.random.standard_normal(2), _numpy(keras.random.normal((2,))),
             *[np.array(w) for w in later.get_weights()]]
    if keras.backend.backend() == "torch":
        import torch

        draws.append(torch.rand(2).numpy())
    try:
        import tensorflow as tf  # tf.data shuffles use its op seeds on every backend
    except ImportError:
        return draws
    return draws + [tf.random.uniform((2,)).numpy()]


def _fresh_run(diagnosed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    model = _model()
    x, y, sw = _data()
    built = (model._compile_loss.built, len(model.metrics_variables), model.optimizer.built)
    if diagnosed:
        from fitdoctor import diagnose

        diagnose(model, x, y, sample_weight=sw, batch_size=16, epochs=2)
        # fit() must find what it finds without fitdoctor: the loss and optimizer unbuilt
        # (fit builds them from one batch it draws from the data first).
        assert (model._compile_loss.built, len(model.metrics_variables), model.optimizer.built) == built
    model.fit(x, y, sample_weight=sw, batch_size=16, epochs=2, verbose=0)
    return [np.array(w) for w in model.get_weights()] + _draws()


def test_training_and_later_draws_after_diagnose_match_a_control():
    """A probe that cloned a model or built a layer with an unseeded initializer would move
    Keras's global seed generator (and Python's random, which seeds new generators); one
    that ran Dropout in training mode on PyTorch would move torch's generator."""
    control, observed = _fresh_run(False), _fresh_run(True)
    assert len(control) == len(observed)
    for index, (a, b) in enumerate(zip(control, observed)):
        assert np.array_equal(a, b), f"array {index} differs after diagnose()"


def test_backend_rng_state_round_trips():
    backend = keras.backend.backend()
    if backend == "jax":
        pytest.skip("JAX has no global RNG")
    if backend == "torch":
        import torch

        draw = lambda: torch.rand(3).numpy()  # noqa: E731
    else:
        import tensorflow as tf

        tf.random.get_global_generator()
        # (The op-seed sequence is restored too, but an eager kernel that already drew keeps
        # its own state: that part is proved by the draws-after test, where nothing draws.)
        draw = lambda: tf.random.get_global_generator().normal((3,)).numpy()  # noqa: E731
    keras.utils.set_random_seed(1)
    adapter = backends.current()
    saved = adapter.rng_state()
    first = draw()
    adapter.set_rng_state(saved)
    assert np.array_equal(draw(), first)


@pytest.mark.parametrize("script", ["every_state.py", "deeper_probes.py"])
def test_fitdoctor_run_with_training_is_bitwise_identical(tmp_path, script):
    """every_state.py: dict inputs, BatchNorm, Dropout, GaussianNoise, shuffling,
    validation_split, sample weights, then a PyDataset augmenting with NumPy's RNG;
    deeper_probes.py: two failing fits that make the monitor measure the curvature and replay
    steps mid-training. Final weights, optimizer variables, the draws after training and the
    data, with and without fitdoctor (the control run is the plain one), under this process's
    backend."""
    plain, observed = tmp_path / "plain.npz", tmp_path / "observed.npz"
    path = PROGRAMS / "shapes" / script
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    subprocess.run([sys.executable, path, plain], check=True, env=environment, timeout=600, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "fitdoctor", "run", path, observed, "--fail-on", "never"],
                            cwd=ROOT, env=environment, timeout=600, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    a, b = np.load(plain), np.load(observed)
    assert sorted(a.files) == sorted(b.files), set(a.files) ^ set(b.files)
    assert a["data_unchanged"].all()
    differing = [name for name in a.files  # a diverged fit's losses are NaN in both runs
                 if not np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f")]
    assert not differing, f"differ under fitdoctor on {keras.backend.backend()}: {differing}"
