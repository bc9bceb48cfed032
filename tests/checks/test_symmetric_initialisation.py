"""FD305's symmetry measurement on weights given directly: the screen on a kernel's first
rows may only rule units distinct when they are, never hide copies."""

import numpy as np

from fitdoctor.checks.optimisation.symmetric_initialisation import SCREEN_ROWS, measure
from fitdoctor.probes.gradients import LayerGradient, WeightGradient


class _Dense:
    units = 8


def _layer(kernel: np.ndarray) -> LayerGradient:
    gradient = np.ones_like(kernel)  # the same update for every unit
    return LayerGradient(_Dense(), "dense", [WeightGradient(0, "dense/kernel", kernel, gradient)])


def test_units_equal_on_the_first_rows_but_not_below_are_distinct():
    kernel = np.ones((SCREEN_ROWS * 3, 8), "float32")
    kernel[SCREEN_ROWS * 2:] = np.random.default_rng(0).normal(size=(SCREEN_ROWS, 8))
    # The screen cannot tell them apart, so the whole kernel is compared.
    [symmetry] = measure(_layer(kernel), gradient_scale=1.0)
    assert (symmetry.units, symmetry.distinct) == (8, 8)


def test_copies_in_every_row_are_one_unit():
    column = np.random.default_rng(1).normal(size=(SCREEN_ROWS * 3, 1)).astype("float32")
    [symmetry] = measure(_layer(np.repeat(column, 8, axis=1)), gradient_scale=1.0)
    assert (symmetry.units, symmetry.distinct) == (8, 1)


def test_units_distinct_on_the_first_rows_are_ruled_out_by_the_screen():
    kernel = np.random.default_rng(2).normal(size=(SCREEN_ROWS * 3, 8)).astype("float32")
    assert measure(_layer(kernel), gradient_scale=1.0) == []
