"""Scale-out on one machine: fitdoctor run on a script training under
tf.distribute.MirroredStrategy (two virtual CPU devices) and under
keras.distribution.DataParallel on JAX (two forced host devices). Each runs in its own
process (the device configuration is per process); the run completes, reports, monitors
every epoch and ends with bitwise the weights it ends with without fitdoctor."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import PROGRAMS, ROOT


def _observe(tmp_path, script, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    environment.update(env)
    plain, observed, report = tmp_path / "plain.npz", tmp_path / "observed.npz", tmp_path / "report.json"
    subprocess.run([sys.executable, script, plain], check=True, env=environment, timeout=600, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "fitdoctor", "run", script, observed, "--fail-on", "never",
                             "--json", report], cwd=ROOT, env=environment, timeout=600, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    a, b = np.load(plain), np.load(observed)
    for name in a.files:
        assert np.array_equal(a[name], b[name]), f"{name} differs under fitdoctor"
    run, = json.loads(report.read_text())["runs"]
    assert not [f for f in run["findings"] if f["code"] == "FD901" or f["severity"] != "info"], run["findings"]
    assert len(run["history"]["loss"]) == 4 and run["history"]["loss"][-1] < run["history"]["loss"][0]
    return run


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow")
def test_mirrored_strategy_on_two_virtual_cpus(tmp_path):
    _observe(tmp_path, PROGRAMS / "shapes" / "mirrored_strategy.py", KERAS_BACKEND="tensorflow")


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs JAX")
def test_data_parallel_on_two_jax_host_devices(tmp_path):
    _observe(tmp_path, PROGRAMS / "shapes" / "data_parallel.py", KERAS_BACKEND="jax",
             XLA_FLAGS="--xla_force_host_platform_device_count=2")
