"""The executors run the same trial command, so they must give the same results; the Ray one
on a real local Ray instance, with the script's folder shipped as the task's working directory."""

import pickle
import textwrap
import time

import numpy as np
import pytest

from conftest import SEEDS
from fitdoctor.data import Batch
from fitdoctor.repairs.executors import LocalExecutor, RayExecutor
from fitdoctor.repairs.model import Change
from fitdoctor.repairs.trial import TrialSpec

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'fitdoctor[ray]'")

# The seed's stable limit is 2 / (2 * mean(x^2)) = 0.0081: 0.004 trains, 0.0095 still diverges.
RATES = (0.004, 0.0095)


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture
def sample_path(tmp_path):
    x = np.arange(20)
    path = tmp_path / "sample.pkl"
    path.write_bytes(pickle.dumps(Batch(x, 2 * x)))
    return str(path)


def rate_fix(rate):
    return Change("compile", "optimizer", {"config": {"learning_rate": rate}, "slot": "rate"}).to_dict()


def codes(result):
    return [finding["code"] for finding in result.findings]


def test_local_and_ray_give_the_same_trial_results(ray_instance, sample_path):
    specs = [TrialSpec(str(SEEDS / "multiplication_lr.py"), [], [rate_fix(rate)], sample_path, "regression")
             for rate in RATES]

    local = LocalExecutor(jobs=2).run(specs, timeout=300)
    remote = RayExecutor().run(specs, timeout=300)

    for one, other in zip(local, remote):
        assert one.error is None and other.error is None, (one.error, one.output, other.error, other.output)
        assert one.status == other.status
        assert one.score["value"] == pytest.approx(other.score["value"], abs=1e-6)
        assert codes(one) == codes(other)
        assert one.history == pytest.approx(other.history, abs=1e-6)
    fixed, insufficient = remote
    assert fixed.history[-1] < 1e-3 < insufficient.history[-1]
    assert "FD301" not in codes(fixed) and "FD301" in codes(insufficient)


def test_a_trial_that_runs_too_long_is_reported_as_timed_out(ray_instance, sample_path, tmp_path):
    script = tmp_path / "sleeps.py"
    script.write_text("import time\ntime.sleep(300)\n")
    spec = TrialSpec(str(script), [], [], sample_path, "regression")

    for executor in (LocalExecutor(jobs=1), RayExecutor()):
        began = time.perf_counter()
        [result] = executor.run([spec], timeout=5)
        assert "did not finish within 5s" in result.error, executor.name
        assert result.status != 0
        assert time.perf_counter() - began < 120, executor.name


def test_local_trials_side_by_side_share_the_cores(sample_path, tmp_path, monkeypatch):
    script = tmp_path / "threads.py"
    script.write_text("import os\nprint('threads', os.environ.get('OMP_NUM_THREADS'))\n")
    specs = [TrialSpec(str(script), [], [], sample_path, "regression") for _ in range(2)]
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 8)

    local = LocalExecutor(jobs=2).run(specs, timeout=60)
    alone = LocalExecutor(jobs=2).run(specs[:1], timeout=60)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    chosen = LocalExecutor(jobs=2).run(specs, timeout=60)

    assert all("threads 4" in result.output for result in local), [r.output for r in local]
    assert "threads 8" in alone[0].output, alone[0].output
    assert all("threads 3" in result.output for result in chosen), [r.output for r in chosen]


def test_ray_ships_the_script_folder_to_the_task(ray_instance, tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "helper.py").write_text(textwrap.dedent("""\
        import numpy as np

        def data():
            x = np.linspace(-1, 1, 32).reshape(-1, 1)
            return x, 3 * x
        """))
    (folder / "train.py").write_text(textwrap.dedent("""\
        from pathlib import Path

        import keras
        from helper import data

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(*data(), epochs=2, verbose=0)
        print("RAN FROM", Path(__file__).resolve().parent)
        """))
    x = np.linspace(-1, 1, 32).reshape(-1, 1)
    (folder / "sample.pkl").write_bytes(pickle.dumps(Batch(x, 3 * x)))
    spec = TrialSpec(str(folder / "train.py"), [], [rate_fix(0.1)], str(folder / "sample.pkl"), "regression",
                     weights_out=str(tmp_path / "weights.npz"))

    [result] = RayExecutor().run([spec], timeout=300)

    assert result.error is None and result.status == 0, (result.error, result.output)
    assert len(result.history) == 2
    ran_from = result.output.split("RAN FROM ")[1].split()[0]
    assert ran_from != str(folder.resolve())
    kernel = next(value for name, value in np.load(tmp_path / "weights.npz").items() if name.endswith("kernel"))
    assert kernel.shape == (1, 1)


def test_closing_leaves_a_ray_instance_it_did_not_start_running(ray_instance):
    executor = RayExecutor()
    assert executor.jobs == 2
    executor.close()
    assert ray.is_initialized()
