"""Pre-flight's budget: measurements sized to the model's measured cost (probes/cost.py)."""

import keras
import numpy as np
import pytest

import fitdoctor
from fitdoctor.checks import context as context_module
from fitdoctor.probes.cost import (
    FLOOR_SECONDS,
    RUN_FLOOR_SECONDS,
    RUN_SHARE,
    TIME_SCALE_VARIABLE,
    Allowance,
    PassCost,
    pass_cost,
)
from fitdoctor.probes.optimizer import decrease_per_unit_rate

pytestmark = pytest.mark.backends


@pytest.fixture(autouse=True)
def unscaled_limits(monkeypatch):
    """These tests are of the default budgets (the suite scales them on PyTorch: conftest)."""
    monkeypatch.delenv(TIME_SCALE_VARIABLE, raising=False)


def test_budget_is_one_epoch_and_at_least_the_floor():
    slow = Allowance.of(PassCost(0.0, 0.1), batch_size=32, steps_per_epoch=10)
    assert slow.seconds == pytest.approx(32.0)  # 10 steps of 3.2 s
    fast = Allowance.of(PassCost(0.001, 0.0), batch_size=32, steps_per_epoch=10)
    assert fast.seconds == FLOOR_SECONDS


def test_time_scale_multiplies_the_floors_and_rejects_what_is_not_a_positive_factor(monkeypatch):
    cheap = PassCost(0.0, 1e-6)
    monkeypatch.setenv(TIME_SCALE_VARIABLE, "3")
    allowance = Allowance.of(cheap, 32, 10)
    assert allowance.seconds == pytest.approx(3 * FLOOR_SECONDS)
    assert allowance.run_seconds == pytest.approx(3 * RUN_FLOOR_SECONDS)
    assert f"at least {3 * FLOOR_SECONDS:g} s" in allowance.why_not("a run", 99.0, 1.0)
    for value in ("fast", "0", "-2"):
        monkeypatch.setenv(TIME_SCALE_VARIABLE, value)
        with pytest.raises(ValueError, match=TIME_SCALE_VARIABLE):
            Allowance.of(cheap, 32, 10)


def test_cheap_samples_are_kept_and_costly_ones_shortened_with_a_note():
    cheap = Allowance.of(PassCost(0.001, 1e-6), batch_size=32, steps_per_epoch=10)
    assert cheap.samples("samples", 1024, share=0.2) == 1024
    assert not cheap.shortened
    costly = Allowance.of(PassCost(0.0, 0.1), batch_size=32, steps_per_epoch=2)  # 6.4 s
    count = costly.samples("samples", 1024, share=0.2, least=8)
    assert count == int(0.2 * costly.seconds / 0.1)  # one pass within a fifth of the budget
    assert "of 1024 samples" in costly.shortened["samples"]
    assert costly.samples("tiny", 1024, share=1e-6, least=8) == 8


def test_shortened_samples_pay_a_new_shapes_set_up_or_keep_the_timed_ones():
    # 0.03 s a sample and 0.7 s of set-up on each new number of samples (TensorFlow's eager
    # kernels on a 38M-parameter CNN): a fifth of the 5 s budget buys 10 samples on a new
    # shape, not worth its set-up next to the 8 already timed.
    slow = Allowance.of(PassCost(0.0, 0.03, setup=0.7, timed=8), batch_size=32, steps_per_epoch=1)
    assert slow.samples("samples", 1024, share=0.2, least=8) == 8
    # Twice the timed samples or more are worth a set-up; cheap passes are never shortened.
    roomy = Allowance.of(PassCost(0.0, 0.003, setup=0.1, timed=8), batch_size=32, steps_per_epoch=1)
    assert roomy.samples("samples", 1024, share=0.2, least=8) == int((1.0 - 0.1) / 0.003)
    compiling = Allowance.of(PassCost(0.0, 1e-5, setup=2.0, timed=8), batch_size=32, steps_per_epoch=1)
    assert compiling.samples("samples", 1024, share=0.2, least=8) == 1024


def test_short_runs_draw_from_one_pool():
    allowance = Allowance.of(PassCost(0.0, 0.001), batch_size=32, steps_per_epoch=4)
    assert allowance.afford_run(8)
    allowance.spent_on_run(allowance.run_seconds - 0.1, step_seconds=0.05)
    assert allowance.run_step_seconds == 0.05
    assert not allowance.afford_run(8)  # 12 steps of 0.05 s > the 0.1 s left


def test_a_large_model_with_slow_steps_gets_no_short_run_floor_beyond_the_budget():
    cheap = Allowance.of(PassCost(0.0, 1e-4), batch_size=32, steps_per_epoch=4, parameters=10**8)
    assert cheap.run_seconds == RUN_FLOOR_SECONDS > cheap.seconds
    # A slow eager pass of a small model (an LSTM on JAX) keeps the floor: compiled, it is fast.
    small = Allowance.of(PassCost(0.0, 0.07), batch_size=32, steps_per_epoch=4, parameters=5_000)
    assert small.run_seconds == RUN_FLOOR_SECONDS
    # 0.4 s a step and 4 steps an epoch (a 38M-parameter CNN on 100 images): the short runs'
    # floor alone would be six of its epochs, the budget's floor three; it gets one epoch.
    slow = Allowance.of(PassCost(0.0, 0.0125), batch_size=32, steps_per_epoch=4, parameters=38 * 10**6)
    assert slow.seconds == pytest.approx(1.6)
    assert slow.run_seconds == pytest.approx(RUN_SHARE * 1.6)
    assert not slow.afford_run(8)  # 12 steps of 0.4 s
    assert slow.why_not("a run", 4.8, 0.8).endswith("(its budget: 1.6 s, one epoch of this run)")


def _model(optimizer="adam"):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _data(n=512):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0], "float32"))[:, None]


def test_pass_cost_of_a_small_model_is_small_and_nonnegative():
    model = _model()
    x, y = _data()
    from fitdoctor.data import Batch
    from fitdoctor.probes.loss import LossProbe, host_weights

    probes = {}
    cost = pass_cost(model, Batch(x, y), host_weights(model), probes)
    assert cost.fixed >= 0 and cost.per_sample >= 0
    assert 0 < cost.seconds(32) < 2.0
    # The timed probes keep what they measured, for the pre-flight probes on those samples.
    assert cost.timed in probes
    for count, probe in probes.items():
        fresh = LossProbe(model, Batch(x, y).take(count))
        assert probe.size == count and probe.value() == pytest.approx(fresh.value(), rel=1e-6)


def test_descent_rate_says_whether_its_steps_settled():
    model = _model()
    params = [keras.ops.convert_to_numpy(v.value) for v in model.trainable_variables]
    grads = [np.full(p.shape, 0.1, p.dtype) for p in params]
    # With a constant gradient Adam's bias-corrected steps are equal from the first...
    adam = decrease_per_unit_rate(keras.optimizers.Adam(1e-3), params, grads, seconds=0.0)
    assert adam.steps < 10 and adam.settled
    # ...while heavy-ball momentum's steps still grow after two.
    momentum = decrease_per_unit_rate(keras.optimizers.SGD(0.01, momentum=0.9), params, grads, seconds=0.0)
    assert momentum.steps < 10 and not momentum.settled
    full = decrease_per_unit_rate(keras.optimizers.SGD(0.01, momentum=0.9), params, grads)
    assert full.steps == 10 and full.settled


def test_descent_rate_on_large_variables_is_measured_on_a_sample_only_where_updates_are_elementwise(monkeypatch):
    from fitdoctor.probes import optimizer as optimizer_module

    rng = np.random.default_rng(0)
    params = [rng.normal(size=(600, 1000)).astype("float32"), np.zeros(1000, "float32")]
    grads = [rng.normal(size=p.shape).astype("float32") for p in params]
    optimizers = [keras.optimizers.Adam(1e-3), keras.optimizers.RMSprop(1e-3),
                  keras.optimizers.Adam(1e-3, clipnorm=1.0)]
    sampled = [decrease_per_unit_rate(o, params, grads).per_unit_rate for o in optimizers]
    monkeypatch.setattr(optimizer_module, "SAMPLED_WEIGHTS", 10 ** 9)
    whole = [decrease_per_unit_rate(o, params, grads).per_unit_rate for o in optimizers]
    # 2^18 of 600,000 weights: within a percent of the whole sum.
    assert sampled[:2] == pytest.approx(whole[:2], rel=0.01)
    assert sampled[:2] != whole[:2]
    # A clipped update depends on the variable's norm: measured on every weight.
    assert sampled[2] == whole[2]


def test_a_model_too_slow_for_its_budget_is_reported_unsupported_not_guessed(monkeypatch):
    # As if one sample's forward and backward pass took 50 ms: a step of 32 costs 1.6 s and
    # the run's 8 steps 13 s, so no short run or curvature probe fits.
    monkeypatch.setattr(context_module, "pass_cost", lambda *args: PassCost(0.0, 0.05))
    x, y = _data()
    # Targets (B,) against outputs (B, 1): an FD201 note, measured on the (shortened) sample.
    report = fitdoctor.diagnose(_model(keras.optimizers.SGD(0.01)), x, y[:, 0], batch_size=32, epochs=1)
    findings = report.runs[0].findings
    skipped = next(f for f in findings if f.code == "FD902").evidence["skipped"]
    assert "short run" in skipped["FD304"] and "pre-flight can give it" in skipped["FD304"]
    assert "curvature probe" in skipped["FD301"]
    note = next(f for f in findings if f.code == "FD201").evidence["shortened"]
    assert "samples:" in note and "of 512 samples" in note


def test_a_cheap_model_is_measured_in_full():
    x, y = _data()
    report = fitdoctor.diagnose(_model(), x, y, batch_size=32, epochs=1)
    findings = report.runs[0].findings
    assert not any("shortened" in f.evidence for f in findings)
    skipped = next((f.evidence["skipped"] for f in findings if f.code == "FD902"), {})
    assert not any("pre-flight can give it" in why for why in skipped.values()), skipped
