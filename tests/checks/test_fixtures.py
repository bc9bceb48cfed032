"""Every check against its known-buggy and known-healthy programs (tests/fixtures/CODE/)."""

import pytest

from conftest import FIXTURES, diagnose_script
from fitdoctor.findings import Severity

pytestmark = pytest.mark.backends

BAD = sorted(FIXTURES.glob("FD*/bad_*.py"))
GOOD = sorted(FIXTURES.glob("FD*/good_*.py"))


def _diagnose(path):
    # Symptoms (FD4xx) and causes that develop during training (`*_runtime_*` programs) need
    # the training itself; other causes are judged before it.
    trains = path.parent.name.startswith("FD4") or "_runtime_" in path.name
    return diagnose_script(path, preflight_only=not trains)


def _reported(report, code):
    return [f for f in report.findings() if f.code == code and f.severity >= Severity.WARNING]


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_fixture_fires_its_code(path):
    code = path.parent.name
    report = _diagnose(path)
    found = _reported(report, code)
    assert found, f"{code} not reported; got {[(f.code, f.severity.label, f.title) for f in report.findings()]}"
    if "_runtime_" in path.name:
        # The defect develops during training: pre-flight must not see it, the monitor must.
        assert all(f.detected_at != "preflight" for f in found), [(f.detected_at, f.title) for f in found]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_good_fixture_stays_silent(path):
    code = path.parent.name
    report = _diagnose(path)
    assert not _reported(report, code), [f.title for f in _reported(report, code)]
    errors = [(f.code, f.title) for f in report.findings() if f.severity == Severity.ERROR]
    assert not errors, f"healthy program got errors: {errors}"
    crashes = [f.evidence for f in report.findings() if f.code == "FD901"]
    assert not crashes, crashes
