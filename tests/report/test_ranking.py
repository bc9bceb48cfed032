"""Ranking: most important story first; a finding a reported cause explains is told right
after that cause, and a story ranks by its most severe finding."""

from fitdoctor.findings import Finding, Severity
from fitdoctor.report.model import rank


def _finding(code, severity):
    return Finding(code, severity, f"{code} title", "message")


def _codes(findings):
    return [f.code for f in rank(findings)]


def test_a_rate_judged_on_unscaled_targets_comes_after_them():
    rate, targets = _finding("FD301", Severity.ERROR), _finding("FD103", Severity.WARNING)
    other = _finding("FD206", Severity.WARNING)
    assert _codes([rate, other, targets]) == ["FD103", "FD301", "FD206"]
    assert rate.explained_by == "FD103" and targets.explained_by is None


def test_a_cause_measured_not_to_explain_a_finding_is_not_linked_to_it():
    budget, targets = _finding("FD302", Severity.ERROR), _finding("FD103", Severity.WARNING)
    assert _codes([budget, targets]) == ["FD103", "FD302"] and budget.explained_by == "FD103"
    budget = Finding("FD302", Severity.ERROR, "FD302 title", "message", independent_of=("FD103",))
    assert _codes([targets, budget]) == ["FD302", "FD103"] and budget.explained_by is None
    assert budget.to_dict()["independent_of"] == ["FD103"]


def test_stories_chain_and_symptoms_follow_their_cause():
    findings = [_finding("FD402", Severity.ERROR), _finding("FD301", Severity.ERROR),
                _finding("FD102", Severity.WARNING), _finding("FD201", Severity.ERROR)]
    # FD102 explains FD301, which explains the divergence FD402: one error-level story, which
    # ranks with FD201's by the cause priority (broken wiring first).
    assert _codes(findings) == ["FD201", "FD102", "FD301", "FD402"]


def test_an_unexplained_finding_ranks_by_its_own_severity():
    rate, imbalance = _finding("FD302", Severity.ERROR), _finding("FD104", Severity.WARNING)
    assert _codes([imbalance, rate]) == ["FD302", "FD104"]
    assert rate.explained_by is None


def test_an_info_cause_explains_nothing():
    rate, vanishing = _finding("FD302", Severity.WARNING), _finding("FD303", Severity.INFO)
    assert _codes([vanishing, rate]) == ["FD302", "FD303"]


def test_a_link_made_during_training_stands_while_its_cause_is_reported():
    """Units that died during training name the exploding gradient that threw them away; the
    constant predictions they cause follow them."""
    cliff, dead = _finding("FD304", Severity.ERROR), _finding("FD206", Severity.WARNING)
    dead.explained_by = "FD304"
    constant = _finding("FD405", Severity.ERROR)
    assert _codes([constant, dead, cliff]) == ["FD304", "FD206", "FD405"]
    assert _codes([constant, dead]) == ["FD206", "FD405"] and dead.explained_by is None


def _at(code, severity, layer=None):
    return Finding(code, severity, f"{code} title", "message", location={"layer": layer} if layer else {})


def test_an_output_that_cannot_reach_the_targets_explains_what_it_makes_inevitable():
    """A ReLU output for negative targets dies, leaves no progress, freezes the weights and
    predicts a constant: FD207 is told first and the rest as its story."""
    reach = _at("FD207", Severity.ERROR, "output")
    dead = _at("FD206", Severity.ERROR, "output")
    dead.detected_at = "epoch 1"
    findings = [_at("FD405", Severity.ERROR), _at("FD406", Severity.ERROR), dead,
                _at("FD302", Severity.ERROR), _at("FD403", Severity.WARNING), reach]
    ranked = rank(findings)
    assert ranked[0] is reach
    assert dead.explained_by == "FD207"
    assert {f.code: f.explained_by for f in ranked if f.code in ("FD302", "FD406")} == {
        "FD302": "FD207", "FD406": "FD207"}
    assert all(f.explained_by for f in ranked[1:])


def test_dead_hidden_units_are_not_the_outputs_doing():
    reach, dead = _at("FD207", Severity.WARNING, "output"), _at("FD206", Severity.ERROR, "hidden")
    assert _codes([reach, dead]) == ["FD206", "FD207"] and dead.explained_by is None


def test_unscaled_inputs_are_the_root_of_the_dead_units_and_the_stall_they_cause():
    """Raw 0..255 pixels into a small CNN with SGD: the units die and the loss stalls; the
    inputs' scale is the cause to fix first."""
    pixels, dead = _at("FD102", Severity.WARNING), _at("FD206", Severity.ERROR, "conv2d")
    stall, constant = _at("FD403", Severity.WARNING), _at("FD405", Severity.ERROR)
    assert _codes([constant, stall, dead, pixels])[0] == "FD102"
    assert dead.explained_by == "FD102" and constant.explained_by in ("FD206", "FD102")
    assert stall.explained_by in ("FD206", "FD102")


def test_unscaled_inputs_are_the_root_of_the_gradient_spikes_they_cause():
    """Raw 0..255 pixels into a small CNN with SGD and momentum: the short run's gradient
    jumps 50-fold (an FD304 error); scaling the inputs is the fix, so FD102 leads the story."""
    pixels, spike = _at("FD102", Severity.WARNING), _at("FD304", Severity.ERROR, "conv2d")
    assert _codes([spike, pixels]) == ["FD102", "FD304"] and spike.explained_by == "FD102"
