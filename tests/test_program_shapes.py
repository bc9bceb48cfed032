"""Program shapes a user's script comes in (tests/programs/shapes/): each is diagnosed
without a crash or a false alarm, and training under `fitdoctor run` ends exactly where it
ends without it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from conftest import PROGRAMS, ROOT, diagnose_script
from fitdoctor.config import Settings
from fitdoctor.findings import Severity
from fitdoctor.runner import run_script

SHAPES = PROGRAMS / "shapes"
tensorflow_only = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                     reason="the program uses TensorFlow itself")


def _alarms(report):
    """Findings a healthy program must not get: warnings, errors, crashed checks."""
    return [(f.code, f.severity.label, f.title) for f in report.findings()
            if f.severity >= Severity.WARNING or f.code == "FD901"]


def _skipped(run):
    return {code for f in run.findings if f.code == "FD902" for code in f.evidence["skipped"]}


def _bitwise_identical(tmp_path, script, *args):
    """Runs `script OUT args` plainly and under `fitdoctor run` (monitoring included), each
    in its own process, and asserts that the arrays it saves are bitwise equal."""
    plain, observed = tmp_path / "plain.npz", tmp_path / "observed.npz"
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    subprocess.run([sys.executable, script, plain, *args], check=True, env=environment, timeout=300,
                   capture_output=True)
    report = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "fitdoctor", "run", script, observed, *args,
                             "--fail-on", "never", "--json", report], cwd=ROOT, env=environment,
                            timeout=300, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    a, b = np.load(plain), np.load(observed)
    assert a.files == b.files
    for name in a.files:
        assert np.array_equal(a[name], b[name]), f"{script.name}: {name} differs under fitdoctor"
    return json.loads(report.read_text())


@tensorflow_only
def test_custom_train_step_is_diagnosed_from_its_compiled_loss_or_skipped():
    report = diagnose_script(SHAPES / "custom_train_step.py")
    assert len(report.runs) == 2
    assert not _alarms(report), _alarms(report)
    with_loss, without_loss = report.runs
    # compute_loss() in train_step: the compiled loss is what is minimised, so the
    # loss-based checks ran (FD301 needs the curvature of that loss).
    assert "FD301" not in _skipped(with_loss)
    # No compiled loss: FD201 measures the loss train_step reports (it is per-sample here),
    # the gradient-based checks say why they skipped, once.
    assert [f.code for f in without_loss.findings] == ["FD902"]
    assert {"FD301", "FD302"} <= _skipped(without_loss)
    assert "FD201" not in _skipped(without_loss)
    assert "inside the model's own train_step" in without_loss.findings[0].evidence["skipped"]["FD301"]


@tensorflow_only
def test_custom_train_step_trains_unchanged(tmp_path):
    data = _bitwise_identical(tmp_path, SHAPES / "custom_train_step.py")
    assert len(data["runs"]) == 2


def test_train_on_batch_loop_is_named_in_the_report_and_runs_unchanged():
    """Decision: train_on_batch is not diagnosed as a run (no epochs, no known budget, one
    batch per call: the budget and data checks would judge too little and alarm falsely);
    the report says what was seen and how to get a diagnosis, and every step runs as is."""
    keras.backend.clear_session()
    outcome = run_script(SHAPES / "train_on_batch_loop.py", [], Settings(preflight_only=True))
    assert outcome.exit_status == 0 and not outcome.report.runs
    note, = outcome.report.notes
    assert "train_on_batch() (12 calls)" in note and "fitdoctor.diagnose" in note
    assert keras.Model.train_on_batch.__name__ == "train_on_batch"
    assert not hasattr(keras.Model.train_on_batch, "__wrapped__"), "train_on_batch left patched"


def _mixed_precision(optimizer):
    try:
        return diagnose_script(SHAPES / "mixed_precision.py", "-", optimizer)
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("optimizer", ["implicit", "explicit"])
def test_mixed_precision_gets_no_false_alarm(optimizer):
    report = _mixed_precision(optimizer)
    assert not [f for f in report.findings() if f.severity >= Severity.WARNING], _alarms(report)
    # The curvature and budget checks see through the LossScaleOptimizer to SGD.
    assert not _skipped(report.runs[0]) & {"FD301", "FD302"}


def test_mixed_precision_crashes_no_check():
    report = _mixed_precision("explicit")
    assert not [f.title for f in report.findings() if f.code == "FD901"]


@tensorflow_only
def test_mixed_precision_trains_unchanged(tmp_path):
    _bitwise_identical(tmp_path, SHAPES / "mixed_precision.py", "explicit")


def test_pydataset_with_worker_processes(tmp_path):
    data = _bitwise_identical(tmp_path, SHAPES / "pydataset_multiprocessing.py")
    run, = data["runs"]
    assert not [f for f in run["findings"] if f["severity"] != "info" or f["code"] == "FD901"], run["findings"]
    assert len(run["history"]["loss"]) == 5


def test_sequential_without_input_is_built_like_fit_builds_it():
    report = diagnose_script(SHAPES / "lazy_sequential.py")
    assert not _alarms(report), _alarms(report)
    assert not _skipped(report.runs[0]) & {"FD201", "FD206", "FD303"}


def test_several_fits_extend_one_run_per_model():
    report = diagnose_script(SHAPES / "several_fits.py")
    assert [run.where.rsplit(":", 1)[-1] for run in report.runs] == ["14", "19"]
    assert not _alarms(report), _alarms(report)


@tensorflow_only
def test_tf_data_shuffle_repeat_prefetch_with_steps_per_epoch(tmp_path):
    """Reading the sample must not advance the dataset's reshuffling seed generator: the
    first epoch under fitdoctor sees the order it sees without it."""
    report = diagnose_script(SHAPES / "tfdata_repeat.py")
    assert not _alarms(report), _alarms(report)
    program_steps = report.runs[0]
    assert "FD302" not in _skipped(program_steps)  # the budget is known from steps_per_epoch
    _bitwise_identical(tmp_path, SHAPES / "tfdata_repeat.py")


@tensorflow_only
def test_tf_data_sample_leaves_the_shuffle_order_alone():
    import tensorflow as tf

    from fitdoctor.data import describe

    def pipeline():
        tf.random.set_seed(1)
        return tf.data.Dataset.range(16).shuffle(16).batch(4).repeat().prefetch(2)

    plain = [b.numpy().tolist() for b in pipeline().take(8)]
    dataset = pipeline()
    data = describe({"x": dataset, "steps_per_epoch": 4})
    assert data.sample.x.tolist() == [v for batch in plain[:4] for v in batch]
    assert [b.numpy().tolist() for b in dataset.take(8)] == plain
