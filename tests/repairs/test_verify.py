"""The verification rule on trial results: each clause can refuse a repair on its own."""

from fitdoctor.findings import Finding, Severity
from fitdoctor.repairs.model import Change, Repair
from fitdoctor.repairs.score import Goal, score
from fitdoctor.repairs.search import Outcome, verify
from fitdoctor.repairs.trial import TrialResult

RATE = Repair(("FD301",), "SGD at learning rate 0.004", "changes-intent",
              (Change("compile", "optimizer", {"config": {"learning_rate": 0.004}, "slot": "rate"}),), "")
ORIGINAL = [Finding("FD301", Severity.ERROR, "rate above the limit", ""),
            Finding("FD102", Severity.WARNING, "unscaled inputs", "")]
BASELINE = Outcome(0, [1.0, 10.0], 10.0, score("regression", [5.0, -5.0], [0.0, 1.0]), 1.0)
GOAL = Goal.parse("r2>=0.99")


def trained(**overrides):
    result = dict(status=0, seconds=1.0, history=[1.0, 0.0], loss=0.0,
                  score=score("regression", [0.0, 1.0], [0.0, 1.0]).to_dict(),
                  findings=[{"code": "FD102", "severity": "warning", "kind": "cause", "title": ""}])
    result.update(overrides)
    return TrialResult(**result)


def test_a_trial_that_reaches_the_goal_without_its_finding_is_verified():
    verified, why = verify(RATE, trained(), BASELINE, GOAL, ORIGINAL)
    assert verified, why
    assert "r2 1" in why


def test_a_trial_that_still_reports_the_finding_it_fixes_is_not_verified():
    findings = [{"code": "FD301", "severity": "warning", "kind": "cause", "title": ""}]
    verified, why = verify(RATE, trained(findings=findings), BASELINE, GOAL, ORIGINAL)
    assert not verified and "still reports FD301" in why


def test_a_new_error_refuses_the_repair_but_an_old_one_does_not():
    new = [{"code": "FD402", "severity": "error", "kind": "symptom", "title": ""}]
    verified, why = verify(RATE, trained(findings=new), BASELINE, GOAL, ORIGINAL)
    assert not verified and "new error: FD402" in why
    tool = [{"code": "FD901", "severity": "error", "kind": "tool", "title": ""}]
    assert verify(RATE, trained(findings=tool), BASELINE, GOAL, ORIGINAL)[0]


def test_short_of_the_goal_crashed_or_failed_trials_are_not_verified():
    short = score("regression", [0.3, 0.7], [0.0, 1.0]).to_dict()
    assert "short of the goal" in verify(RATE, trained(score=short), BASELINE, GOAL, ORIGINAL)[1]
    assert "status 1" in verify(RATE, trained(status=1), BASELINE, GOAL, ORIGINAL)[1]
    assert "the trial failed" in verify(RATE, trained(error="boom"), BASELINE, GOAL, ORIGINAL)[1]
    assert not verify(RATE, trained(score=None), BASELINE, GOAL, ORIGINAL)[0]
