"""Each class's weight in the loss, with class and sample weights (checks/target_values.py)."""

import numpy as np
import pytest

from fitdoctor.checks.target_values import class_loss_weights
from fitdoctor.checks.targets import TargetProfile


def test_per_sample_weights_sum_per_class_and_class_weights_multiply():
    y = np.array([0, 0, 0, 1], "float32")
    binary = TargetProfile("binary", {0: 3, 1: 1})
    assert class_loss_weights(binary, y, None, None) == {0: 3.0, 1: 1.0}
    weights = np.array([1.0, 1.0, 1.0, 6.0])
    assert class_loss_weights(binary, y, weights, None) == {0: 3.0, 1: 6.0}
    assert class_loss_weights(binary, y, weights[:, None], {1: 0.5}) == {0: 3.0, 1: 3.0}


def test_per_pixel_weights_line_up_with_a_mask_with_a_channel_axis():
    y = np.zeros((2, 3, 3, 1), "float32")
    y[:, 1, 1, 0] = 1.0
    weights = np.where(y[..., 0] > 0.5, 8.0, 1.0)  # (2, 3, 3), as Keras takes it
    shares = class_loss_weights(TargetProfile("binary", {0: 16, 1: 2}), y, weights, None)
    assert shares == {0: 16.0, 1: 16.0}


def test_sparse_and_onehot_classes_and_weights_that_do_not_line_up():
    ids = np.array([0, 1, 2, 2])
    sparse = TargetProfile("sparse", {0: 1, 1: 1, 2: 2})
    assert class_loss_weights(sparse, ids, np.array([2.0, 1.0, 0.5, 0.5]), None) == {0: 2.0, 1: 1.0, 2: 1.0}
    onehot = TargetProfile("onehot", {0: 1, 1: 1, 2: 2})
    assert class_loss_weights(onehot, np.eye(3)[ids], np.array([2.0, 1.0, 0.5, 0.5]), None) == pytest.approx(
        {0: 2.0, 1: 1.0, 2: 1.0})
    # Three weights for four samples: not fit()'s shape, so the counts stand.
    assert class_loss_weights(sparse, ids, np.ones(3), None) == {0: 1.0, 1: 1.0, 2: 2.0}
