"""The gradient-cliff judgement (FD304's third measurement) on series with known shapes.

A short run of a real recurrent network is chaotic (whether a spike falls inside its 40 steps
depends on the backend's initial weights), so the judgement is tested on recorded runs."""

import math

import numpy as np
import pytest

from fitdoctor.checks.optimisation.gradient_cliff import first_cliff


def _run(losses, norms):
    return list(norms), list(losses)


def _noisy(steps, seed=0):
    rng = np.random.default_rng(seed)
    return list(1.0 + 0.2 * rng.standard_normal(steps)), list(1.0 + 0.3 * rng.random(steps))


def test_a_gradient_spike_with_an_ordinary_loss_is_a_cliff():
    losses, norms = _noisy(40)
    norms[33] = 18.0  # the bench case's ReLU SimpleRNN, measured on TensorFlow: 14 against 0.75
    cliff = first_cliff(*_run(losses, norms))
    assert cliff is not None and cliff.step == 33
    assert cliff.factor == pytest.approx(18.0 / np.median(norms[:33]))


def test_a_non_finite_gradient_with_a_finite_loss_is_a_cliff():
    losses, norms = _noisy(20)
    norms[12] = math.inf
    assert first_cliff(*_run(losses, norms)).step == 12


def test_a_rate_that_overshoots_is_not_a_cliff():
    """On a quadratic bowl the loss grows with the square of the gradient, step by step."""
    growth = [1.5 ** k for k in range(30)]
    assert first_cliff(*_run([g * g for g in growth], growth)) is None


def test_a_hard_batch_is_not_a_cliff():
    """An outlier batch: its error is 12x larger, so its gradient is 12x and its loss 144x."""
    losses, norms = _noisy(40, seed=1)
    norms[20], losses[20] = 12.0 * norms[20], 144.0 * losses[20]
    assert first_cliff(*_run(losses, norms)) is None


def test_ordinary_noise_is_not_a_cliff():
    for seed in range(20):
        assert first_cliff(*_run(*_noisy(40, seed))) is None


def _history(losses, norms):
    from fitdoctor.history import LossHistory

    return LossHistory(gradients=list(zip(norms, losses)))


def test_the_monitor_reports_a_cliff_at_its_latest_measurement():
    import keras

    from fitdoctor.checks.symptoms.runtime_causes import gradient_cliff_now

    losses, norms = [0.9, 0.7, 0.6, 0.55, 0.6], [2.0, 1.5, 1.2, 1.1, 60.0]
    finding = gradient_cliff_now(_history(losses, norms), keras.optimizers.Adam(), "epoch 5")
    assert finding is not None and finding.code == "FD304" and finding.detected_at == "epoch 5"
    assert finding.evidence["spike_factor"] == pytest.approx(60.0 / 1.35, abs=0.01)
    # A clipped optimizer never applies the spike; too few measurements set no baseline; a
    # spike that came with the loss (an overshooting step) is not a cliff.
    assert gradient_cliff_now(_history(losses, norms), keras.optimizers.Adam(clipnorm=1.0), "epoch 5") is None
    assert gradient_cliff_now(_history(losses[2:], norms[2:]), keras.optimizers.Adam(), "epoch 5") is None
    assert gradient_cliff_now(_history(losses[:4] + [60.0], norms), keras.optimizers.Adam(), "epoch 5") is None


def test_a_gradient_that_grows_while_the_loss_falls_is_training_not_a_cliff():
    """A ReLU RNN (T=100, Adam 1e-3) that trains well: its gradient grew 0.68 -> 24 between
    measurements while the loss fell 1.04 -> 0.014."""
    import keras

    from fitdoctor.checks.symptoms.runtime_causes import gradient_cliff_now

    losses, norms = [1.04, 0.9, 0.5, 0.2, 0.014], [0.68, 0.7, 0.75, 0.8, 24.0]
    assert gradient_cliff_now(_history(losses, norms), keras.optimizers.Adam(), "epoch 5") is None


def test_a_large_cliff_after_a_small_spike_is_reported():
    """A JAX replay of the IRNN warm-up fixture: a 12x spike at an ordinary loss (a hard
    batch, perhaps), then a 200x one; the run recovered, so only the second is certain."""
    from fitdoctor.checks.optimisation.gradient_cliff import cliff_finding
    from fitdoctor.probes.short_run import ShortRun

    losses, norms = _noisy(40)
    norms[20], norms[24] = 12.0, 200.0
    run = ShortRun(1.0, 0.95, losses, norms)
    finding = cliff_finding("FD304", run, "A replay", 256)
    assert finding is not None and finding.evidence["step"] == 25
    norms[24] = 1.0
    assert cliff_finding("FD304", ShortRun(1.0, 0.95, losses, norms), "A replay", 256) is None
