"""FD302 against unscaled targets (FD103): a budget that falls as short with the targets
standardised is a cause of its own; one that would suffice at unit scale is the scale's doing."""

import pytest
from conftest import FIXTURES, diagnose_script

from fitdoctor.findings import Severity

pytestmark = pytest.mark.backends


def _ranked(path):
    report = diagnose_script(path)
    return [f for f in report.runs[0].ranked() if f.severity >= Severity.WARNING]


def test_budget_short_at_any_target_scale_ranks_first():
    ranked = _ranked(FIXTURES / "FD302" / "bad_fit_without_epochs_unscaled_targets.py")
    codes = [f.code for f in ranked]
    assert "FD103" in codes, codes  # the scale is real, but not what stops this run
    budget = next(f for f in ranked if f.code == "FD302")
    assert budget.independent_of == ("FD103",) and budget.explained_by is None
    assert codes[0] == "FD302", codes
    scaled = budget.evidence["standardised_targets"]
    removed = (scaled["initial_loss"] - scaled["budget_loss"]) / (scaled["initial_loss"] - scaled["reachable_loss"])
    assert removed < 0.5, scaled


def test_budget_enough_at_unit_scale_is_explained_by_the_scale():
    ranked = _ranked(FIXTURES / "FD103" / "bad_runtime_unscaled_targets_not_learned.py")
    assert ranked[0].code == "FD103", [f.code for f in ranked]
    budget = next(f for f in ranked if f.code == "FD302")
    assert budget.explained_by == "FD103" and not budget.independent_of
