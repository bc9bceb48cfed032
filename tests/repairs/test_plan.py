"""Planners turn a finding's measured evidence into the changes a repair makes."""

import pytest

from fitdoctor.findings import Finding, Severity
from fitdoctor.repairs.plan import PLANNERS


def _activation_loss(activation, units, loss, from_logits=False):
    evidence = {"activation": activation, "loss": loss, "from_logits": from_logits, "output_units": units}
    return Finding("FD202", Severity.ERROR, "title", "message", evidence, {"layer": "out"})


@pytest.mark.parametrize(("activation", "units", "loss", "output", "new_loss"), [
    # Cross-entropy over classes normalises a single column to 1: the loss must change too.
    ("softmax", 1, "categorical_crossentropy", "sigmoid", "binary_crossentropy"),
    ("softmax", 1, "sparse_categorical_crossentropy", "sigmoid", "binary_crossentropy"),
    ("sigmoid", 1, "categorical_crossentropy", "sigmoid", "binary_crossentropy"),
    ("softmax", 1, "binary_crossentropy", "sigmoid", None),
    ("sigmoid", 3, "categorical_crossentropy", "softmax", None),
    ("sigmoid", 3, "sparse_categorical_crossentropy", "softmax", None),
    ("softmax", 1, "mean_squared_error", "sigmoid", None),
    ("linear", 3, "mse", "softmax", "categorical_crossentropy"),
])
def test_activation_loss_repairs_pair_the_output_with_a_loss_that_trains_it(activation, units, loss, output,
                                                                            new_loss):
    (repair,) = PLANNERS["FD202"](_activation_loss(activation, units, loss), None)
    changes = {(c.target, c.action): c.params for c in repair.changes}
    assert changes[("model", "output_activation")] == {"activation": output, "layer": "out"}
    assert changes.get(("compile", "loss"), {}).get("name") == new_loss


def test_a_probability_output_under_a_logits_loss_becomes_linear():
    (repair,) = PLANNERS["FD202"](_activation_loss("sigmoid", 1, "binary_crossentropy", from_logits=True), None)
    assert [(c.action, c.params["activation"]) for c in repair.changes] == [("output_activation", "linear")]


def _labels(loss, units, values, width=1):
    evidence = {"loss": loss, "output_units": units, "label_min": min(values), "label_max": max(values),
                "unique_labels": len(values), "label_values": values, "label_width": width}
    return Finding("FD106", Severity.ERROR, "title", "message", evidence, {"layer": "out"})


@pytest.mark.parametrize(("loss", "units", "values", "new_loss"), [
    ("binary_crossentropy", 1, [0.0, 1.0, 2.0], "sparse_categorical_crossentropy"),
    ("sparse_categorical_crossentropy", 3, [0.0, 1.0, 2.0, 3.0, 4.0], None),
    ("categorical_crossentropy", 2, [0.0, 1.0, 2.0], "sparse_categorical_crossentropy"),
])
def test_labels_naming_more_classes_than_units_get_one_softmax_unit_per_class(loss, units, values, new_loss):
    (repair,) = PLANNERS["FD106"](_labels(loss, units, values), None)
    changes = {(c.target, c.action): c.params for c in repair.changes}
    assert changes[("model", "output_units")]["units"] == len(values)
    assert changes[("model", "output_units")]["activation"] == "softmax"
    assert changes.get(("compile", "loss"), {}).get("name") == new_loss


@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0], [0.5, 1.5, 2.5], [-1.0, 1.0, 2.0]],
                         ids=["one-based", "not-integers", "negative"])
def test_labels_that_are_not_ids_from_zero_get_no_new_units(values):
    repairs = list(PLANNERS["FD106"](_labels("sparse_categorical_crossentropy", 3, values), None))
    assert not any(c.action == "output_units" for r in repairs for c in r.changes)
