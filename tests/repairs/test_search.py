"""Deliberately insufficient repairs, re-trained for real, are never verified."""

import pickle

import numpy as np

from conftest import SEEDS, diagnose_script
from fitdoctor.data import Batch
from fitdoctor.repairs.executors import LocalExecutor
from fitdoctor.repairs.model import Change, Repair
from fitdoctor.repairs.score import Goal
from fitdoctor.repairs.search import Search


def _search(script, candidates, sample, task, tmp_path, rate):
    path = tmp_path / "sample.pkl"
    path.write_bytes(pickle.dumps(sample))
    original = diagnose_script(script).runs[0].findings
    search = Search(str(script), [], 0, candidates, original, str(path), task, LocalExecutor(2), 600, rate)
    search.baseline = search.baseline_trial()
    search.goal = Goal.improvement(search.baseline.score)
    return search


def test_a_rate_still_above_the_stable_limit_is_never_verified(tmp_path):
    # multiplication_lr: curvature 247, stable below 2/247 = 0.0081; 0.0095 still diverges.
    x = np.arange(20)
    still_too_high = Repair(("FD301",), "SGD at learning rate 0.0095", "changes-intent",
                            (Change("compile", "optimizer", {"config": {"learning_rate": 0.0095}, "slot": "rate"}),), "")
    search = _search(SEEDS / "multiplication_lr.py", [still_too_high], Batch(x, 2 * x), "regression", tmp_path, 0.01)
    # The search may go on to extend it (with the rate its trial measured); the repair itself
    # is never verified.
    attempt = search.run()[0]
    assert attempt.repair is still_too_high and not attempt.verified
    assert attempt.result.history[-1] > attempt.result.history[0]  # it really diverged
    assert "FD301" in attempt.why or "short of the goal" in attempt.why


def test_a_fix_of_the_wrong_cause_is_never_verified(tmp_path):
    # mean_generator's cause is a dataset that overwrites its batches (FD105); standardising
    # its inputs (FD102's fix) leaves the inputs and targets mismatched.
    report = diagnose_script(SEEDS / "mean_generator.py")
    sample = report.runs[0].probe
    wrong = Repair(("FD102",), "standardise input 0", "safe", (Change("model", "normalise_inputs", {"input": 0}),), "")
    search = _search(SEEDS / "mean_generator.py", [wrong], sample, "regression", tmp_path, 0.001)
    attempt = search.run()[0]
    assert attempt.repair is wrong and not attempt.verified, attempt.why
    assert any(f["code"] == "FD105" for f in attempt.result.findings)
