"""Repairs re-trained for real: deliberately insufficient ones are never verified, and a
repair is scored on the samples where its effect shows."""

import pickle

import numpy as np

import fitdoctor
from conftest import FIXTURES, PROGRAMS, SEEDS, diagnose_script
from fitdoctor.data import Batch
from fitdoctor.repairs.executors import LocalExecutor
from fitdoctor.repairs.model import Change, Repair
from fitdoctor.repairs.plan import PLANNERS
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


def test_a_sigmoid_output_under_a_categorical_loss_is_never_verified(tmp_path):
    # One output unit under categorical cross-entropy: the loss normalises the single column
    # to 1 whatever the activation, so the sigmoid alone trains nothing; FD202's planned
    # repair changes the loss to binary cross-entropy as well and trains.
    script = PROGRAMS / "repairs" / "softmax_one_unit_categorical.py"
    report = diagnose_script(script)
    finding = next(f for f in report.runs[0].findings if f.code == "FD202")
    planned = list(PLANNERS["FD202"](finding, None))
    layer = finding.location["layer"]
    sigmoid_only = Repair(("FD202",), "a sigmoid output", "changes-intent",
                          (Change("model", "output_activation", {"activation": "sigmoid", "layer": layer}),), "")
    search = _search(script, [sigmoid_only, *planned], report.runs[0].probe, "classification", tmp_path, 0.001)
    attempts = {attempt.repair.summary: attempt for attempt in search.run()}
    assert not attempts["a sigmoid output"].verified
    assert attempts["a sigmoid output"].result.history[-1] == attempts["a sigmoid output"].result.history[0]
    assert [attempts[r.summary].verified for r in planned] == [True], [attempts[r.summary].why for r in planned]


def test_a_split_that_keeps_samples_from_training_is_scored_on_all_of_them():
    # Sorted by class, validation_split=0.2 holds back 180 of class 2's 300 samples: a score
    # on the training part alone would not see what the split kept from the model.
    report = fitdoctor.repair(FIXTURES / "FD108" / "bad_sorted_labels_validation_split.py", repair_time=600)
    run = report.runs[0].to_dict()
    before = run["repair_search"]["baseline"]["task_score"]
    assert before["metric"] == "accuracy" and before["samples"] == 900, before
    verified = [r for r in run["repairs"] if r["verified"]]
    assert verified and "FD108" in verified[0]["fixes"], [(r["summary"], r["why"]) for r in run["repairs"]]
    assert verified[0]["after"]["task_score"]["value"] > before["value"]
