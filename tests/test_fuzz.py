"""Pre-flight on random programs: small dense / conv / recurrent stacks with random
activations and output heads, random losses and target shapes (mismatched ones included).
`fitdoctor.diagnose` must return a report, never raise, within a time bound per program.

A check that raises is contained as an FD901 finding; those are counted and printed (run
with `-s` to see them: each is a bug in a check), but only a crash or a timeout fails.
Derandomized, so CI sees the same programs every time.
"""

import time

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECONDS_PER_PROGRAM = 20.0
ACTIVATIONS = ["linear", "relu", "tanh", "sigmoid", "elu", "softplus", "hard_sigmoid", "softmax"]
HEADS = [None, "sigmoid", "softmax", "relu", "tanh"]
LOSSES = ["mse", "mae", "bce", "cce", "sparse_cce"]
TARGETS = ["as_output", "flat", "column", "one_more_unit", "int_labels", "int_labels_too_many"]

CHECK_ERRORS: list[tuple[str, str, list[str]]] = []


@st.composite
def programs(draw):
    return {
        "kind": draw(st.sampled_from(["dense", "conv1d", "conv2d", "lstm", "gru"])),
        "depth": draw(st.integers(1, 2)),
        "width": draw(st.sampled_from([2, 4, 8])),
        "activations": draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=2, max_size=2)),
        "units": draw(st.sampled_from([1, 2, 3, 5])),
        "head": draw(st.sampled_from(HEADS)),
        "loss": draw(st.sampled_from(LOSSES)),
        "from_logits": draw(st.booleans()),
        "targets": draw(st.sampled_from(TARGETS)),
        "samples": draw(st.sampled_from([12, 40])),
        "batch_size": draw(st.sampled_from([4, 16, 64])),
        "optimizer": draw(st.sampled_from(["sgd", "adam"])),
        "seed": draw(st.integers(0, 3)),
    }


def _build(spec):
    kind, width = spec["kind"], spec["width"]
    shape = {"dense": (5,), "conv1d": (8, 2), "conv2d": (6, 6, 1), "lstm": (5, 3), "gru": (5, 3)}[kind]
    inputs = keras.Input(shape)
    h = inputs
    for layer in range(spec["depth"]):
        activation = spec["activations"][layer]
        last = layer == spec["depth"] - 1
        if kind == "dense":
            h = keras.layers.Dense(width, activation=activation)(h)
        elif kind == "conv1d":
            h = keras.layers.Conv1D(width, 3, padding="same", activation=activation)(h)
        elif kind == "conv2d":
            h = keras.layers.Conv2D(width, 3, padding="same", activation=activation)(h)
        elif kind == "lstm":
            h = keras.layers.LSTM(width, activation="tanh" if activation == "softmax" else activation,
                                  return_sequences=not last)(h)
        else:
            h = keras.layers.GRU(width, activation="tanh" if activation == "softmax" else activation,
                                 return_sequences=not last)(h)
    if kind in ("conv1d", "conv2d"):
        h = keras.layers.Flatten()(h) if spec["seed"] % 2 else (
            keras.layers.GlobalAveragePooling1D() if kind == "conv1d" else keras.layers.GlobalAveragePooling2D())(h)
    outputs = keras.layers.Dense(spec["units"], activation=spec["head"])(h)
    model = keras.Model(inputs, outputs)
    logits = spec["from_logits"]
    loss = {"mse": "mse", "mae": "mae",
            "bce": keras.losses.BinaryCrossentropy(from_logits=logits),
            "cce": keras.losses.CategoricalCrossentropy(from_logits=logits),
            "sparse_cce": keras.losses.SparseCategoricalCrossentropy(from_logits=logits)}[spec["loss"]]
    model.compile(optimizer=spec["optimizer"], loss=loss)
    return model, shape


def _data(spec, shape):
    rng = np.random.default_rng(spec["seed"])
    n, units = spec["samples"], spec["units"]
    x = rng.standard_normal((n, *shape)).astype("float32")
    targets = spec["targets"]
    if targets == "int_labels":
        y = rng.integers(0, max(units, 2), n)
    elif targets == "int_labels_too_many":
        y = rng.integers(0, units + 3, n)
    elif targets == "flat":
        y = rng.random(n).astype("float32")
    elif targets == "column":
        y = rng.random((n, 1)).astype("float32")
    elif targets == "one_more_unit":
        y = rng.random((n, units + 1)).astype("float32")
    else:
        y = rng.random((n, units)).astype("float32")
    return x, y


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(programs())
def test_preflight_never_raises_on_random_programs(spec):
    import fitdoctor

    keras.backend.clear_session()
    keras.utils.set_random_seed(spec["seed"])
    model, shape = _build(spec)
    x, y = _data(spec, shape)
    began = time.process_time()  # CPU time: a bound that holds on a loaded CI machine too
    report = fitdoctor.diagnose(model, x, y, batch_size=spec["batch_size"], epochs=2)
    seconds = time.process_time() - began
    assert report.runs and report.runs[0].findings is not None
    assert seconds < SECONDS_PER_PROGRAM, f"pre-flight took {seconds:.1f}s of CPU on {spec}"
    for finding in report.findings():
        if finding.code == "FD901":
            CHECK_ERRORS.append((finding.evidence["check"], finding.title, finding.evidence["traceback"]))
            print(f"\nFD901 on {spec}:\n  {finding.title}\n  {finding.evidence['traceback']}")


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if CHECK_ERRORS:
        print(f"\n{len(CHECK_ERRORS)} FD901 finding(s) in the fuzzed programs:")
        for check, title, frames in CHECK_ERRORS:
            print(f"  {check}: {title} ({' <- '.join(reversed(frames))})")
