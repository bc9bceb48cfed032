import math

import numpy as np
import pytest

from fitdoctor.repairs.score import Goal, score


def test_binary_accuracy_thresholds_probabilities_and_logits():
    targets = np.array([0, 0, 1, 1])
    assert score("classification", [0.2, 0.7, 0.9, 0.4], targets).value == 0.5
    assert score("classification", [-1.0, -0.1, 0.3, 2.0], targets, from_logits=True).value == 1.0


def test_class_ids_against_one_unit_per_class_and_one_hot_rows():
    ids = np.array([0, 2, 1, 2])
    logits = np.eye(3)[[0, 2, 1, 0]] * 5
    assert score("classification", logits, ids).value == 0.75
    assert score("classification", logits, np.eye(3)[ids]).value == 0.75


def test_balanced_accuracy_and_chance_error_expose_a_constant_majority_prediction():
    targets = np.array([0] * 9 + [1])
    result = score("classification", np.zeros((10, 1, 1, 1)), targets)
    assert result.value == pytest.approx(0.9)
    assert result.get("balanced_accuracy") == pytest.approx(0.5)
    assert result.chance_error == pytest.approx(0.1)


def test_regression_r2_and_rmse_in_target_units():
    targets = np.array([[1.0], [2.0], [3.0], [4.0]])
    exact = score("regression", targets.reshape(-1), targets)
    assert exact.value == 1.0 and exact.get("rmse") == 0.0
    constant = score("regression", np.full(4, 2.5), targets)
    assert constant.value == pytest.approx(0.0)
    off = score("regression", targets + 1.0, targets)
    assert off.get("rmse") == pytest.approx(1.0)


def test_nonfinite_predictions_score_as_failures():
    assert score("regression", [math.inf, 1.0], [0.0, 1.0]).error == math.inf
    assert score("classification", [math.nan, 1.0], [0, 1]).value == 0.0


def test_goal_parsing_and_reaching():
    goal = Goal.parse("accuracy>=0.99")
    assert goal.reached(score("classification", [0.9] * 100, [1] * 100), None)
    assert not goal.reached(score("classification", [0.9] * 98 + [0.1] * 2, [1] * 100), None)
    assert Goal.parse("loss<=1e-6").reached(None, 5e-7)
    assert not Goal.parse("loss<=1e-6").reached(None, math.nan)
    with pytest.raises(ValueError, match="unknown goal metric"):
        Goal.parse("precision>=0.5")
    with pytest.raises(ValueError, match="METRIC>=VALUE"):
        Goal.parse("accuracy is high")


def test_default_goal_halves_the_error_of_the_original_run_and_of_chance():
    # A constant prediction of the majority of 511:1 leaves one error: the goal is none.
    broken = score("classification", np.zeros(512), np.array([0] * 511 + [1]))
    goal = Goal.improvement(broken)
    assert not goal.reached(score("classification", np.zeros(512), np.array([0] * 511 + [1])), None)
    assert goal.reached(score("classification", np.array([0.0] * 511 + [1.0]), np.array([0] * 511 + [1])), None)
    # A run that diverged is not repaired by one that diverges less: R^2 must pass 0.5.
    diverged = score("regression", np.full(4, 100.0), np.arange(4.0))
    goal = Goal.improvement(diverged)
    assert goal.threshold == pytest.approx(0.5)
    assert not goal.reached(score("regression", np.full(4, 1.5) + 0.5, np.arange(4.0)), None)
