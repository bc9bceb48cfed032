"""The command line as a user runs it: exit statuses, reports, the script's environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import PROGRAMS, ROOT, SEEDS

FITDOCTOR = [sys.executable, "-m", "fitdoctor"]


def _run(*args, cwd=ROOT, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    environment.update(env)
    return subprocess.run([*FITDOCTOR, *map(str, args)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_missing_script_is_a_usage_error(tmp_path):
    result = _run("run", tmp_path / "nope.py")
    assert result.returncode == 2
    assert "no such script" in result.stderr


@pytest.mark.parametrize("options, message", [
    (["--goal", "accuracy>=0.9"], "go with --repair"),
    (["--patch", "fix.diff"], "go with --repair"),
    (["--repair", "--goal", "accuracy is high"], "METRIC>=VALUE"),
    (["--repair", "--goal", "precision>=0.5"], "unknown goal metric"),
])
def test_repair_options_are_checked_before_the_script_runs(options, message):
    result = _run("run", PROGRAMS / "no_fit.py", *options)
    assert result.returncode == 2
    assert message in result.stderr


def test_repair_without_a_fit_call_has_nothing_to_repair(tmp_path):
    report = tmp_path / "r.json"
    result = _run("run", PROGRAMS / "no_fit.py", "--repair", "--json", report)
    assert result.returncode == 0, result.stderr
    assert json.loads(report.read_text())["runs"] == []


def test_explain_prints_the_checks_documentation():
    result = _run("explain", "fd201")
    assert result.returncode == 0
    for heading in ("What it detects", "Why it breaks training", "Example", "Use instead", "Repair safety"):
        assert heading in result.stdout
    assert _run("explain", "FD999").returncode == 2


def test_checks_lists_every_code():
    result = _run("checks")
    assert result.returncode == 0
    from fitdoctor.codes import CODES

    for code in CODES:
        assert code in result.stdout


def test_script_that_raises_keeps_its_status_and_still_reports(tmp_path):
    report = tmp_path / "r.json"
    result = _run("run", PROGRAMS / "raises.py", "--json", report)
    assert result.returncode == 1
    assert "the script's own bug" in result.stderr
    assert json.loads(report.read_text())["runs"] == []


def test_keras2_script_is_explained(tmp_path):
    report = tmp_path / "r.json"
    result = _run("run", PROGRAMS / "keras2_script.py", "--json", report)
    assert result.returncode == 1
    notes = json.loads(report.read_text())["notes"]
    assert any("Keras 2" in note and "keras.engine" in note for note in notes)


def test_sys_exit_status_is_passed_through():
    assert _run("run", PROGRAMS / "exits.py").returncode == 4


def test_script_without_fit_says_so(tmp_path):
    report = tmp_path / "r.json"
    result = _run("run", PROGRAMS / "no_fit.py", "--json", report)
    assert result.returncode == 0
    assert "no fit() call" in json.loads(report.read_text())["notes"][0]


def test_script_runs_as_python_would_and_plt_show_does_not_block(tmp_path):
    out = tmp_path / "seen.json"
    result = _run("run", PROGRAMS / "argv_and_plot.py", out, "--fail-on", "warning")
    assert result.returncode == 0, result.stderr
    seen = json.loads(out.read_text())
    assert seen == {"argv": [str(PROGRAMS / "argv_and_plot.py"), str(out)], "name": "__main__"}


def test_report_json_and_fail_on(tmp_path):
    report = tmp_path / "r.json"
    result = _run("run", SEEDS / "corner_detector.py", "--preflight-only", "--json", report)
    assert result.returncode == 3, result.stderr
    data = json.loads(report.read_text())
    assert data["schema"] == "fitdoctor.report/1"
    assert data["backend"] and data["keras_version"]
    run = data["runs"][0]
    assert run["where"].endswith("corner_detector.py:78") or "corner_detector.py:" in run["where"]
    first = run["findings"][0]
    assert set(first) >= {"code", "name", "severity", "kind", "title", "message", "evidence",
                          "location", "fix", "detected_at", "explained_by", "independent_of"}
    assert first["code"] == "FD201" and first["severity"] == "error" and first["kind"] == "cause"
    assert first["fix"]["safety"] in ("safe", "changes-intent", "advice")
    assert run["history"] == {"loss": []}
    # Pre-flight findings are shown before the script's own output after fit().
    assert result.stderr.index("fitdoctor pre-flight") < result.stderr.index("fitdoctor report")
    assert _run("run", SEEDS / "corner_detector.py", "--preflight-only", "--fail-on", "never").returncode == 0


def test_select_and_ignore(tmp_path):
    report = tmp_path / "r.json"
    _run("run", SEEDS / "corner_detector.py", "--preflight-only", "--ignore", "FD2,FD104", "--json", report)
    codes = {f["code"] for f in json.loads(report.read_text())["runs"][0]["findings"]}
    assert not any(code.startswith("FD2") for code in codes) and "FD104" not in codes
    _run("run", SEEDS / "corner_detector.py", "--preflight-only", "--select", "FD104", "--json", report)
    codes = {f["code"] for f in json.loads(report.read_text())["runs"][0]["findings"]}
    assert codes <= {"FD104", "FD901", "FD902"} and "FD104" in codes


def test_pyproject_settings_are_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.fitdoctor]\nignore = ["FD201"]\n')
    report = tmp_path / "r.json"
    _run("run", SEEDS / "corner_detector.py", "--preflight-only", "--json", report, cwd=tmp_path)
    codes = {f["code"] for f in json.loads(report.read_text())["runs"][0]["findings"]}
    assert "FD201" not in codes and "FD104" in codes


@pytest.mark.backends
@pytest.mark.parametrize("command", [
    [PROGRAMS / "deterministic.py"],
    [PROGRAMS / "save_weights_after.py", SEEDS / "multiplication_lr_fixed.py"],
    [PROGRAMS / "subclassed_lazy.py"],
], ids=["dropout-batchnorm-shuffle", "multiplication_lr_fixed", "lazily-built-subclassed"])
def test_training_under_fitdoctor_is_bitwise_identical(tmp_path, command):
    plain, observed = tmp_path / "plain.npz", tmp_path / "observed.npz"
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    subprocess.run([sys.executable, *command, plain], check=True, env=environment,
                   timeout=300, capture_output=True)
    result = _run("run", *command, observed, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    a, b = np.load(plain), np.load(observed)
    assert a.files == b.files
    for name in a.files:
        assert np.array_equal(a[name], b[name]), name
