"""Executors run trials, each in a fresh process: `local` (a pool of subprocesses on this
machine) and `ray` (each trial a Ray task, on the cluster at RAY_ADDRESS or a local Ray
instance, with a copy of the script's folder as the task's working directory).

Every executor runs the same command, `python -m fitdoctor.repairs.trial SPEC RESULT`, so they
give the same verdicts; they differ only in where the process runs.
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from fitdoctor.repairs.trial import TrialResult, TrialSpec

# What a trial's own output keeps for the report: the end of what the script printed.
OUTPUT_TAIL = 4000


class Executor(Protocol):
    name: str

    def run(self, specs: list[TrialSpec], timeout: float) -> list[TrialResult]:
        """Run every trial (concurrently as the executor allows); results in the specs' order."""


def trial_command(spec_path: str, result_path: str, python: str | None = None) -> list[str]:
    return [python or sys.executable, "-m", "fitdoctor.repairs.trial", spec_path, result_path]


def run_trial_process(spec: TrialSpec, timeout: float, cwd: str | None = None,
                      python: str | None = None, threads: int | None = None) -> TrialResult:
    """One trial in a subprocess of this machine (run by `python`, this interpreter unless
    given, with OpenMP's `threads` unless the environment sets them); a trial that fails or
    times out is a result that says so."""
    with tempfile.TemporaryDirectory(prefix="fitdoctor-trial-") as folder:
        spec_path, result_path = Path(folder, "spec.json"), Path(folder, "result.json")
        spec_path.write_text(json.dumps(spec.to_dict()))
        environment = dict(os.environ)
        environment.setdefault("MPLBACKEND", "Agg")
        if threads is not None:
            environment.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            process = subprocess.run(trial_command(str(spec_path), str(result_path), python), cwd=cwd,
                                     env=environment, capture_output=True, text=True, timeout=max(timeout, 1))
        except subprocess.TimeoutExpired as expired:
            output = (expired.stdout or "") if isinstance(expired.stdout, str) else ""
            return TrialResult(1, timeout, error=timed_out(timeout), output=output[-OUTPUT_TAIL:])
        output = (process.stdout or "") + (process.stderr or "")
        if not result_path.exists():
            return TrialResult(process.returncode or 1, 0.0, error="the trial process died before reporting",
                               output=output[-OUTPUT_TAIL:])
        result = TrialResult.from_dict(json.loads(result_path.read_text()))
        result.output = output[-OUTPUT_TAIL:]
        return result


def timed_out(timeout: float) -> str:
    return f"the trial did not finish within {timeout:.0f}s"


class LocalExecutor:
    """Trials as subprocesses of this machine, `jobs` at a time, each with its share of the
    cores: PyTorch (OpenMP) otherwise gives every trial all of them and the trials' threads
    wait on each other (measured on 2 cores: two processes diagnosing torch programs side by
    side took 3.6x as long with OpenMP's default as with one thread each). Ray sets the
    variable to a task's CPUs (one) itself where the cluster's environment leaves it unset."""

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or min(4, os.cpu_count() or 1))

    def run(self, specs: list[TrialSpec], timeout: float) -> list[TrialResult]:
        threads = max(1, (os.cpu_count() or 1) // max(1, min(self.jobs, len(specs))))
        with ThreadPoolExecutor(self.jobs) as pool:
            return list(pool.map(lambda spec: run_trial_process(spec, timeout, threads=threads), specs))


def executor(name: str, jobs: int | None = None) -> Executor:
    if name == "local":
        return LocalExecutor(jobs)
    if name == "ray":
        return RayExecutor()
    raise ValueError(f"unknown executor {name!r}: use 'local' or 'ray'")


# A Ray task first waits for a worker and unpacks the script's folder; this much on top of a
# trial's own timeout before the driver gives up on the task.
RAY_TASK_GRACE = 60.0
# Not shipped with the script's folder: a script at a project's root must not upload its
# environment or history.
UNSHIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache"})
# Ray's own limit on a task's working directory.
SHIPPED_LIMIT = 500 * 2**20
# The environment a trial's backend reads, passed to the Ray task as it is here.
SHIPPED_VARIABLES = ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL")


def pack_folder(folder: Path) -> bytes:
    """The folder's files as a zip archive, for a node that does not share this machine's files."""
    buffer, size = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, folders, files in os.walk(folder):
            folders[:] = [name for name in folders if name not in UNSHIPPED_FOLDERS]
            for name in files:
                path = Path(root, name)
                size += path.stat().st_size
                if size > SHIPPED_LIMIT:
                    raise ValueError(f"the script's folder {folder} holds more than {SHIPPED_LIMIT >> 20} MiB "
                                     "to ship to the Ray tasks; put the script in a folder of its own")
                archive.write(path, path.relative_to(folder))
    return buffer.getvalue()


def run_shipped_trial(spec: dict, folder: bytes, sample: bytes, timeout: float, driver: tuple[str, str]) -> dict:
    """The body of a Ray task: the trial runs in a copy of the script's folder, unpacked here,
    with the score sample and the weights as bytes, since the node may not share the driver's
    files. `driver` is the driver's node and interpreter: the trial runs under that interpreter
    on the driver's node, under the node's own elsewhere."""
    import ray

    node, interpreter = driver
    python = interpreter if ray.get_runtime_context().get_node_id() == node else None
    with tempfile.TemporaryDirectory(prefix="fitdoctor-ray-") as scratch:
        work, weights = Path(scratch, "work"), Path(scratch, "weights")
        zipfile.ZipFile(io.BytesIO(folder)).extractall(work)
        weights.mkdir()
        sample_path = Path(scratch, "sample.pkl")
        sample_path.write_bytes(sample)
        weights_out = spec.get("weights_out")
        trial = TrialSpec(**{**spec, "script": str(work / Path(spec["script"]).name), "score_sample": str(sample_path),
                             "weights_out": str(weights / Path(weights_out).name) if weights_out else None})
        result = run_trial_process(trial, timeout, cwd=str(work), python=python)
        # Under the name the trial gave them (NumPy adds .npz to a name without it).
        written = {path.name: path.read_bytes() for path in weights.iterdir()}
    return {"result": result.to_dict(), "weights": written}


class RayExecutor:
    """Each trial a Ray task (one CPU) on the cluster at RAY_ADDRESS, or on a local Ray
    instance: the one this process already has, else one started here and shut down when the
    executor is closed or the interpreter exits.

    The task runs the trial in a copy of the script's folder (shipped through Ray's object
    store; a task's `runtime_env` takes only folders already uploaded to the cluster), so a
    node without the user's files runs it. The copy is the trial's working directory:
    relative paths in the script and its arguments are read from it, and files outside the
    script's folder must be on the nodes. On the driver's node the trial
    runs under this interpreter; on other nodes under the node's own `python`, which must have
    fitdoctor and the Keras backend installed (`pip install fitdoctor[ray,tensorflow]`, with the
    same Ray version as here)."""

    name = "ray"

    def __init__(self) -> None:
        self.address = os.environ.get("RAY_ADDRESS")
        self._started = False
        self._task = None

    @property
    def jobs(self) -> int:
        """Trials that run at once: the cluster's CPUs."""
        return max(1, int(self._ray().cluster_resources().get("CPU", 1)))

    def run(self, specs: list[TrialSpec], timeout: float) -> list[TrialResult]:
        ray = self._ray()
        folders = {folder: ray.put(pack_folder(folder)) for folder in {self._folder(spec) for spec in specs}}
        samples = {path: ray.put(Path(path).read_bytes()) for path in {spec.score_sample for spec in specs}}
        driver = (ray.get_runtime_context().get_node_id(), sys.executable)
        task = self._remote().options(runtime_env={"env_vars": self._variables()})
        refs = [task.remote(spec.to_dict(), folders[self._folder(spec)], samples[spec.score_sample], timeout, driver)
                for spec in specs]
        waves = -(-len(specs) // self.jobs)
        deadline = time.monotonic() + waves * (timeout + RAY_TASK_GRACE)
        return [self._collect(ray, ref, spec, timeout, deadline) for spec, ref in zip(specs, refs)]

    def close(self) -> None:
        """Shuts down the Ray instance this executor started, never one it found running."""
        if self._started:
            import ray

            self._started = False
            if ray.is_initialized():
                ray.shutdown()

    def _ray(self) -> Any:
        import ray

        if not ray.is_initialized():
            ray.init(address=self.address, logging_level=logging.WARNING)
            self._started = True
            atexit.register(self.close)
        return ray

    def _remote(self) -> Any:
        if self._task is None:
            import ray

            self._task = ray.remote(num_cpus=1)(run_shipped_trial)
        return self._task

    @staticmethod
    def _folder(spec: TrialSpec) -> Path:
        return Path(spec.script).resolve().parent

    @staticmethod
    def _variables() -> dict[str, str]:
        variables = {name: os.environ[name] for name in SHIPPED_VARIABLES if name in os.environ}
        variables.setdefault("MPLBACKEND", "Agg")
        return variables

    @staticmethod
    def _collect(ray: Any, ref: Any, spec: TrialSpec, timeout: float, deadline: float) -> TrialResult:
        try:
            answer = ray.get(ref, timeout=max(deadline - time.monotonic(), 0.0))
        except ray.exceptions.GetTimeoutError:
            # Not forced, which would kill the worker and orphan its trial process: the task's
            # own timeout still ends that process.
            ray.cancel(ref)
            return TrialResult(1, timeout, error=f"{timed_out(timeout)} (the Ray task never returned)")
        except ray.exceptions.RayError as error:
            return TrialResult(1, 0.0, error=f"the Ray task failed: {type(error).__name__}: {error}"[:OUTPUT_TAIL])
        for name, data in answer["weights"].items():
            Path(spec.weights_out).with_name(name).write_bytes(data)
        return TrialResult.from_dict(answer["result"])
