"""The HTML view: self-contained pages for the seed programs, escaping, the same page from a
saved JSON report, repairs, the terminal view of the same dict, and a real browser."""

import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from conftest import ROOT, SEEDS, diagnose_script

pytest.importorskip("jinja2")
pytest.importorskip("matplotlib")

from fitdoctor.report import html, terminal  # noqa: E402

SEED_NAMES = ["corner_detector", "multiplication_lr", "mean_generator", "rbf_gaussian"]
HOSTILE = "<script>alert(1)</script>"
ARTEFACTS = ROOT / "build" / "test-artefacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
                  "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def seed_reports():
    """Each seed's report dict, pre-flight only, diagnosed once for the whole module."""
    return {name: diagnose_script(SEEDS / f"{name}.py").to_dict() for name in SEED_NAMES}


class Page(HTMLParser):
    """What a rendered page references and which plots it holds."""

    def __init__(self, text):
        super().__init__()
        self.references, self.plots, self.scripts = [], [], 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset") and value is not None:
                self.references.append(value)
            if name == "data-plot":
                self.plots.append(value)
        self.scripts += tag == "script"


def external(page_text):
    """Every reference (attribute or CSS url(), @import) that is not data: or an in-page anchor."""
    references = Page(page_text).references + [url.strip("'\" ") for url in re.findall(r"url\(([^)]*)\)", page_text)]
    imports = re.findall(r"@import[^;]*", page_text)
    return [ref for ref in references if not (ref.startswith("data:") or ref.startswith("#"))] + imports


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_page_is_self_contained_with_a_loss_and_a_finding_plot(seed_reports, name, tmp_path):
    path = tmp_path / f"{name}.html"
    html.write(seed_reports[name], path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    text = path.read_text()
    assert external(text) == []
    page = Page(text)
    assert page.scripts == 0
    assert "loss" in page.plots
    finding_plots = [plot for plot in page.plots if plot.startswith("finding-")]
    assert finding_plots, page.plots
    codes = {f["code"] for f in seed_reports[name]["runs"][0]["findings"]}
    assert {plot.removeprefix("finding-") for plot in finding_plots} <= codes


def test_external_references_are_caught():
    # The self-containment check can fail: a page that fetches anything is rejected.
    assert external('<img src="https://example.org/x.png"><a href="#run-1">x</a>') == ["https://example.org/x.png"]
    assert external('<style>body { background: url(http://x/y.png) }</style>')


def test_page_shows_measured_values_of_each_plot(seed_reports):
    run = seed_reports["multiplication_lr"]["runs"][0]
    page = html.render(seed_reports["multiplication_lr"])
    fd301 = next(f for f in run["findings"] if f["code"] == "FD301")
    # The curvature plot annotates the measured curvature and the bound at this rate.
    curvature_plot = page.split('data-plot="finding-FD301"')[1].split("</figure>")[0]
    assert f"{fd301['evidence']['largest_eigenvalue']:.3g}" in curvature_plot
    assert f"{fd301['evidence']['curvature_bound']:.3g}" in curvature_plot
    layers = [name for name, _ in run["traces"]["gradient_norms"][0]["layers"]]
    assert layers and layers[0][:17] in page.split('data-plot="gradient-norms"')[1].split("</figure>")[0]


def test_user_strings_are_escaped(seed_reports):
    data = copy.deepcopy(seed_reports["corner_detector"])
    run = data["runs"][0]
    data["script"] = HOSTILE
    run["where"] = f"{HOSTILE}.py:1"
    run["findings"][0]["location"] = {"layer": HOSTILE}
    run["findings"][0]["title"] = f"layer {HOSTILE} broadcasts"
    run["findings"][0]["evidence"]["layer_name"] = HOSTILE
    run["findings"][0]["fix"]["code"] = f"keras.layers.Dense(1, name='{HOSTILE}')"
    run["traces"]["gradient_norms"][0]["layers"][0][0] = HOSTILE
    page = html.render(data)
    assert HOSTILE not in page and "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert Page(page).scripts == 0


def test_a_plot_that_fails_is_left_out_and_said_so(seed_reports):
    data = copy.deepcopy(seed_reports["corner_detector"])
    fd104 = next(f for f in data["runs"][0]["findings"] if f["code"] == "FD104")
    fd104["evidence"]["class_counts"] = {"0": "many", "1": 1}
    page = html.render(data)
    assert 'data-plot="finding-FD104"' not in page and 'data-plot="loss"' in page
    assert "Plots left out (please report this): finding: ValueError" in page


def _run_cli(*args):
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    return subprocess.run([sys.executable, "-m", "fitdoctor", *map(str, args)], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_report_command_reproduces_the_run_page(tmp_path):
    from click.testing import CliRunner

    from fitdoctor.cli import main

    live, saved, again = tmp_path / "live.html", tmp_path / "r.json", tmp_path / "again.html"
    result = _run_cli("run", SEEDS / "corner_detector.py", "--preflight-only", "--html", live, "--json", saved)
    assert result.returncode == 3, result.stderr
    assert f"HTML report written to {live}" in result.stderr
    # In this process: another Python, Keras session and clock render the same bytes.
    rendered = CliRunner().invoke(main, ["report", str(saved), "--html", str(again)])
    assert rendered.exit_code == 0, rendered.output
    assert again.read_bytes() == live.read_bytes()
    assert 'data-plot="finding-FD104"' in live.read_text()
    # Without --html, the saved report is printed as the terminal view.
    printed = CliRunner().invoke(main, ["report", str(saved)])
    assert printed.exit_code == 0, printed.output
    assert "verdict: FD201 loss-broadcast" in printed.output and "FD104 class-imbalance" in printed.output
    assert CliRunner().invoke(main, ["report", str(tmp_path / "nope.json")]).exit_code == 2
    assert CliRunner().invoke(main, ["report", str(live)]).exit_code == 2  # not a JSON report


def test_missing_html_extra_is_a_clear_usage_error(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "jinja2.py").write_text('raise ImportError("No module named \'jinja2\'")\n')
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps({"schema": "fitdoctor.report/1", "script": None, "notes": [], "runs": []}))
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")]))
    for args in (["report", saved, "--html", tmp_path / "r.html"],
                 ["run", ROOT / "tests" / "programs" / "no_fit.py", "--html", tmp_path / "r.html"]):
        result = subprocess.run([sys.executable, "-m", "fitdoctor", *map(str, args)], cwd=ROOT, env=environment,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "pip install 'fitdoctor[html]'" in result.stderr
        assert not (tmp_path / "r.html").exists()


def _with_repairs(data):
    data = copy.deepcopy(data)
    run = data["runs"][0]
    losses = [0.25, 0.24, 0.24]
    run["repairs"] = [
        {"fixes": ["FD104"], "summary": "weight the classes", "safety": "changes-intent", "verified": False,
         "recommended": False, "why": "the loss still broadcasts", "goal": "accuracy>=0.99",
         "before": {"loss": 0.25, "task_score": {"metric": "accuracy", "value": 0.5}, "history": {"loss": losses}},
         "after": {"loss": 0.24, "task_score": {"metric": "accuracy", "value": 0.5}, "history": {"loss": losses}},
         "seconds": 3.1, "code": "model.fit(..., class_weight={0: 0.5, 1: 256.0})", "diff": None},
        {"fixes": ["FD201", "FD104"], "summary": "flatten the output and weight the classes", "safety": "safe",
         "verified": True, "recommended": True, "why": "accuracy 1.0 after 10 epochs; FD201 no longer reported",
         "goal": "accuracy>=0.99",
         "before": {"loss": 0.25, "task_score": {"metric": "accuracy", "value": 0.5}, "history": {"loss": losses}},
         "after": {"loss": 0.001, "task_score": {"metric": "accuracy", "value": 1.0},
                   "history": {"loss": [0.2, 0.05, 0.001]}},
         "seconds": 4.2, "code": "outputs = keras.layers.Flatten()(outputs)",
         "diff": "--- a/corner_detector.py\n+++ b/corner_detector.py\n@@ -1 +1 @@\n-outputs = x\n"
                 "+outputs = keras.layers.Flatten()(x)\n"},
    ]
    return data


def test_repairs_in_html_verified_first_with_diff_and_curves(seed_reports):
    page = html.render(_with_repairs(seed_reports["corner_detector"]))
    repairs = page.split("<h3>Repairs</h3>")[1]
    assert repairs.index("flatten the output") < repairs.index("weight the classes</span>")
    assert repairs.index("recommended") < repairs.index("not verified")
    assert Page(page).plots.count("repair") == 2
    # The diff is highlighted (pygments colours its added line) and escaped.
    assert "+outputs = keras.layers.Flatten()(x)" in re.sub(r"<[^>]+>", "", repairs)
    assert re.search(r'<span style="[^"]*">\+outputs', repairs)


def _terminal_text(data, width=120):
    out = io.StringIO()
    terminal.print_report_dict(Console(file=out, width=width, color_system=None), data)
    return out.getvalue()


def test_repairs_in_terminal_verified_first(seed_reports):
    text = _terminal_text(_with_repairs(seed_reports["corner_detector"]))
    repairs = text.split("Repairs (1 of 2 verified)")[1]
    assert repairs.index("recommended verified") < repairs.index("not verified")
    assert "+outputs = keras.layers.Flatten()(x)" in repairs
    assert "before: loss 0.25, accuracy 0.5; after: loss 0.001, accuracy 1" in repairs


def test_terminal_verdict_and_aligned_evidence(seed_reports):
    data = seed_reports["corner_detector"]
    text = _terminal_text(data)
    top = data["runs"][0]["findings"][0]
    assert f"verdict: {top['code']} {top['name']}: {top['title']}" in text
    # Evidence values start in one column.
    rows = [line for line in text.splitlines() if re.match(r"\s+(y_pred_shape|y_true_shape|broadcast_shape)\s", line)]
    assert len(rows) == 3
    columns = {re.match(r"(\s+\S+\s+)", row).end() for row in rows}
    assert len(columns) == 1
    assert "\x1b[" not in text  # no colour codes when not a terminal


def test_preflight_status_line_only_on_a_terminal():
    shown = io.StringIO()
    status = terminal.PreflightStatus(Console(file=shown, force_terminal=True, width=80))
    status("FD301 lr-too-high", 3, 12)
    status("done", 12, 12)
    assert "pre-flight: FD301 lr-too-high, 3/12 checks" in shown.getvalue()
    quiet = io.StringIO()
    status = terminal.PreflightStatus(Console(file=quiet, width=80))
    status("FD301 lr-too-high", 3, 12)
    status("done", 12, 12)
    assert quiet.getvalue() == ""


def test_engine_reports_progress_for_every_check():
    import keras
    import numpy as np

    from fitdoctor import engine
    from fitdoctor.checks import preflight_checks
    from fitdoctor.config import Settings
    from fitdoctor.data import describe
    from fitdoctor.program import Program

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((16, 2), "float32"), np.ones((16, 1), "float32")
    arguments = {"x": x, "y": y, "batch_size": 8, "epochs": 1}
    calls = []
    engine.start(Program.capture(model, describe(arguments), arguments, "here"), Settings(),
                 lambda what, done, total: calls.append((what, done, total)))
    total = len(preflight_checks())
    assert calls[-1] == ("done", total, total)
    assert all(t == total for _, _, t in calls) and [d for _, d, _ in calls[:-1]] == sorted(d for _, d, _ in calls[:-1])
    assert any(what.startswith("FD301 ") for what, _, _ in calls)


def _chromium():
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("Chromium is not installed at /usr/bin/chromium and cannot be installed here "
                    "(apt-get install chromium needs apt-get and root)")
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    installed = subprocess.run("apt-get update -qq && apt-get install -y -qq chromium", shell=True,
                               env=environment, capture_output=True, text=True, timeout=900)
    if installed.returncode != 0 or not CHROMIUM.exists():
        pytest.skip(f"apt-get install chromium failed: {installed.stderr[-500:]}")
    return CHROMIUM


def _browse(page, screenshot):
    """Load `page` in headless Chromium, save a screenshot; the console messages it logged."""
    result = subprocess.run([str(_chromium()), *CHROMIUM_FLAGS, "--window-size=1100,1800",
                             f"--screenshot={screenshot}", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def test_corner_detector_report_renders_in_chromium_without_console_errors(seed_reports, tmp_path):
    page = tmp_path / "corner_detector.html"
    html.write(seed_reports["corner_detector"], page)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTEFACTS / "corner_detector.png"
    screenshot.unlink(missing_ok=True)
    assert _browse(page, screenshot) == []
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
    # The console check sees what a broken page logs.
    broken = tmp_path / "broken.html"
    broken.write_text('<p>x</p><script>console.error("boom"); undefinedFunction();</script>')
    messages = _browse(broken, tmp_path / "broken.png")
    assert any("boom" in m for m in messages) and any("Uncaught" in m for m in messages)
