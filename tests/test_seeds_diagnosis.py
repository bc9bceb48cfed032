"""The acceptance of the core: the four seed programs are diagnosed correctly."""

import pytest

from conftest import SEEDS, diagnose_script
from fitdoctor.findings import Severity

pytestmark = pytest.mark.backends


def _top(report, count=3):
    ranked = [f for run in report.runs for f in run.ranked() if f.severity >= Severity.WARNING]
    return ranked[:count]


def _codes(findings):
    return [f.code for f in findings]


def test_rbf_gaussian_budget_too_small_and_shape_contract():
    report = diagnose_script(SEEDS / "rbf_gaussian.py")
    assert len(report.runs) == 1, "fifteen fit() calls on one model are one training run"
    top = _top(report)
    assert "FD302" in _codes(top) and "FD203" in _codes(top)
    fd302 = next(f for f in top if f.code == "FD302")
    assert fd302.evidence["steps"] == 15
    assert fd302.evidence["decrease_per_step"] == pytest.approx(0.24, rel=0.1)
    assert fd302.evidence["predicted_decrease"] == pytest.approx(15 * fd302.evidence["decrease_per_step"])
    assert fd302.evidence["initial_loss"] == pytest.approx(156, rel=0.02)


def test_multiplication_learning_rate_above_stability_limit():
    report = diagnose_script(SEEDS / "multiplication_lr.py")
    top = _top(report)
    fd301 = next(f for f in top if f.code == "FD301")
    assert fd301.severity == Severity.ERROR
    assert fd301.evidence["largest_stable_rate"] == pytest.approx(0.0081, rel=0.05)
    assert fd301.evidence["largest_eigenvalue"] == pytest.approx(247, rel=0.01)


def test_corner_detector_broadcast_and_imbalance():
    report = diagnose_script(SEEDS / "corner_detector.py")
    top = _top(report)
    assert "FD201" in _codes(top) and "FD104" in _codes(top)
    fd201 = next(f for f in top if f.code == "FD201")
    assert fd201.severity == Severity.ERROR
    assert fd201.evidence["y_pred_shape"][1:] == [1, 1, 1]
    assert len(fd201.evidence["y_true_shape"]) == 1
    assert "(B, 1, 1, 1)" in fd201.title and "(B,)" in fd201.title


def test_mean_generator_batch_aliasing_is_an_error():
    report = diagnose_script(SEEDS / "mean_generator.py")
    top = _top(report)
    fd105 = next(f for f in top if f.code == "FD105")
    assert fd105.severity == Severity.ERROR
    assert fd105.evidence["prefetching"] is True


@pytest.mark.parametrize("name", ["rbf_gaussian_fixed", "multiplication_lr_fixed",
                                  "corner_detector_fixed", "mean_generator_fixed"])
def test_fixed_twins_get_no_error(name):
    report = diagnose_script(SEEDS / f"{name}.py")
    errors = [(f.code, f.title) for f in report.findings() if f.severity == Severity.ERROR]
    assert not errors


def test_lazily_built_subclassed_model_is_diagnosed():
    from conftest import PROGRAMS

    report = diagnose_script(PROGRAMS / "subclassed_lazy.py")
    assert not [f for f in report.findings() if f.code == "FD901"]
    assert "FD201" in [f.code for f in report.findings() if f.severity == Severity.ERROR]
