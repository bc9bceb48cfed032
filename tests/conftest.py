import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if os.environ.get("KERAS_BACKEND") == "torch":
    # Eager PyTorch steps are slower than compiled ones, so wall-clock-bounded probes could run
    # out of time under load and whether a bad fixture fired depended on it (before the thread
    # limit of `_share_cores`, the IRNN fixture's steps took 4x as long inside pytest). The
    # suite tests what the checks judge, not speed.
    os.environ.setdefault("FITDOCTOR_TIME_SCALE", "4")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "examples" / "seeds"
PROGRAMS = ROOT / "tests" / "programs"


def pytest_configure(config):
    config.addinivalue_line("markers", "backends: runs on every Keras backend (make test-backends)")
    config.addinivalue_line("markers", "slow: seed repairs, run once in CI on TensorFlow")
    _share_cores(config)


def _share_cores(config):
    """One share of the cores for each process that runs tests, before any test imports a
    backend: pytest-xdist runs its workers side by side, and PyTorch (OpenMP) gives each of
    them every core, so their threads wait on each other. Measured on 2 cores, 26 fixture
    tests on torch with 2 workers: 116 s with OpenMP's default, 32 s with one thread a worker.
    The controller of workers runs no tests; it leaves the variable to them."""
    workers = getattr(config, "workerinput", {}).get("workercount")
    if workers is None and getattr(config.option, "numprocesses", None):
        return
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // (workers or 1))))


def diagnose_script(path, *args, **settings):
    """Run a script in this process under fitdoctor with pre-flight only; return the report.

    With pre-flight only, fit() returns an empty History, so a script that reads its results
    may stop with an error after the diagnosis; the report is complete all the same."""
    import keras

    from fitdoctor.config import Settings
    from fitdoctor.runner import run_script

    keras.backend.clear_session()
    settings.setdefault("preflight_only", True)
    outcome = run_script(Path(path), list(args), Settings(**settings))
    assert outcome.report.runs, f"{path} made no fit() call"
    return outcome.report


@pytest.fixture
def diagnose():
    return diagnose_script
