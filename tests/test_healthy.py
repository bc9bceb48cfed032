"""The healthy reference corpus (tests/healthy/): correct Keras programs that really train.

Each program must get no error and no crashed check (FD901); over the whole corpus at most
10% of the programs may get any warning. Pre-flight only: the programs print their loss
from `model.evaluate`, never from fit()'s History, so they run to the end either way.
TensorFlow only in CI, to keep `.ci/run` under 40 minutes (the good fixtures test silence on
JAX and PyTorch there); run with KERAS_BACKEND=jax / torch by hand when checks change (all
passed on both on 2026-11-22 at b13ee9b).
"""

import json
import os
from pathlib import Path

import keras
import pytest

from conftest import ROOT, diagnose_script
from fitdoctor.findings import Severity

HEALTHY = sorted((ROOT / "tests" / "healthy").glob("*.py"))
MAX_WARNED_SHARE = 0.10


def _needs_tensorflow(path: Path) -> bool:
    return "import tensorflow" in path.read_text()


def _runnable(path: Path) -> bool:
    if not _needs_tensorflow(path):
        return True
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


class _Results:
    """Each program's findings, diagnosed once per test session: in memory, and as JSON in a
    folder that the xdist workers of this session share, so the corpus-wide test reuses what
    the per-program tests of any worker measured."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.memory: dict[str, list[dict]] = {}

    def __call__(self, path: Path) -> list[dict]:
        if path.name in self.memory:
            return self.memory[path.name]
        stored = self.folder / f"{path.stem}.json"
        if stored.exists():
            findings = json.loads(stored.read_text())
        else:
            report = diagnose_script(path)
            findings = [{"code": f.code, "severity": f.severity.label, "title": f.title,
                         "evidence": repr(f.evidence) if f.code == "FD901" else None}
                        for f in report.findings()]
            partial = stored.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(findings))
            os.replace(partial, stored)
        self.memory[path.name] = findings
        return findings


@pytest.fixture(scope="session")
def healthy_results(tmp_path_factory):
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this session's folder, shared by its workers only
    return _Results(root / f"healthy-{keras.backend.backend()}")


def _at_least(findings: list[dict], severity: Severity) -> list[dict]:
    return [f for f in findings if Severity.parse(f["severity"]) >= severity]


@pytest.mark.parametrize("path", HEALTHY, ids=lambda p: p.stem)
def test_healthy_program_gets_no_error(path, healthy_results):
    if _needs_tensorflow(path):
        pytest.importorskip("tensorflow")
    findings = healthy_results(path)
    errors = [(f["code"], f["title"]) for f in _at_least(findings, Severity.ERROR)]
    assert not errors, f"healthy program got errors: {errors}"
    crashes = [f["evidence"] for f in findings if f["code"] == "FD901"]
    assert not crashes, crashes


def test_few_healthy_programs_get_a_warning(healthy_results):
    corpus = [p for p in HEALTHY if _runnable(p)]
    assert len(corpus) >= 30
    warned = {}
    for path in corpus:
        flagged = _at_least(healthy_results(path), Severity.WARNING)
        if flagged:
            warned[path.stem] = [(f["code"], f["severity"], f["title"]) for f in flagged]
    share = len(warned) / len(corpus)
    assert share <= MAX_WARNED_SHARE, (
        f"{len(warned)} of {len(corpus)} healthy programs ({share:.0%}) got warnings: {warned}")
