"""The Monitor callback on its own, as a user adds it to fit()."""

import keras
import numpy as np
import pytest

import fitdoctor
from fitdoctor.findings import Severity

pytestmark = pytest.mark.backends


def _diverging_problem(optimizer=None):
    keras.utils.set_random_seed(0)
    x = (5 * np.random.default_rng(0).standard_normal((64, 3))).astype("float32")
    y = x @ np.array([[1.0], [0.5], [-1.0]], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(0.05), loss="mse")
    return model, x, y


def _collapsing_problem():
    """Two ReLU layers at SGD 0.5: every unit dies and the output becomes constant."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 10)).astype("float32")
    y = (x[:, :1] - x[:, 1:2]).astype("float32")
    model = keras.Sequential([keras.Input((10,))] + [keras.layers.Dense(16, activation="relu") for _ in range(2)]
                             + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    return model, x, y


def _reported(findings):
    return [f.code for f in findings if f.severity >= Severity.WARNING]


def test_standalone_monitor_reports_and_resets_between_fits():
    model, x, y = _diverging_problem()
    monitor = fitdoctor.Monitor()
    model.fit(x, y, epochs=6, batch_size=64, verbose=0, callbacks=[monitor])
    assert _reported(monitor.report.findings()) == ["FD402"]
    # Without a probe batch, what needs data is skipped, and said so once.
    assert [f.code for f in monitor.report.findings() if f.severity == Severity.INFO] == ["FD902"]
    assert len(monitor.run.history.losses) == 6
    model.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[monitor])
    assert len(monitor.run.history.losses) == 1


def test_stop_on_error_ends_a_doomed_run_early():
    model, x, y = _diverging_problem()
    monitor = fitdoctor.Monitor(stop_on="error")
    history = model.fit(x, y, epochs=50, batch_size=64, verbose=0, callbacks=[monitor])
    assert len(history.history["loss"]) == 4  # the epoch at which FD402 is established


def test_monitor_keeps_batches_asynchronous():
    """No per-batch host sync: the hooks that receive the batch's logs (whose values would
    have to be fetched from the device) are not overridden, so Keras keeps dispatching
    callbacks asynchronously; the one batch hook used, `on_train_batch_begin`, receives no
    logs and measures only on its schedule."""
    base = keras.callbacks.Callback
    for hook in ("on_batch_end", "on_train_batch_end", "on_test_batch_end", "on_predict_batch_end"):
        assert getattr(fitdoctor.Monitor, hook) is getattr(base, hook)
    callbacks = keras.callbacks.CallbackList([fitdoctor.Monitor()])
    assert callbacks._async_train == keras.callbacks.CallbackList([])._async_train


def test_measurements_follow_the_budget():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 10)).astype("float32")
    y = (x[:, :1] - x[:, 1:2]).astype("float32")
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    monitor = fitdoctor.Monitor(probe=(x[:64], y[:64]))
    model.fit(x, y, epochs=10, batch_size=64, verbose=0, callbacks=[monitor])
    # A run of about a second affords few measurements on the way. Two may exceed the budget:
    # the first, whose cost is estimated before it runs (on JAX it compiles), and the final
    # one, made when the fit ends so that the final state is always judged.
    assert 1 <= monitor.measurement_count <= 4
    assert sum(monitor.costs[1:-1]) <= 0.02 * monitor._trained + 0.01


def test_probe_finds_units_dying_during_training():
    model, x, y = _collapsing_problem()
    monitor = fitdoctor.Monitor(probe=(x[:64], y[:64]))
    model.fit(x, y, epochs=10, batch_size=64, verbose=0, callbacks=[monitor])
    dead = [f for f in monitor.report.findings() if f.code == "FD206"]
    assert dead and dead[0].severity >= Severity.WARNING
    assert dead[0].detected_at.startswith("epoch")


def test_probe_finds_constant_predictions_and_the_monitor_is_reusable():
    """An L2 penalty of 1.0 drives every kernel to zero: the model predicts one value."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 10)).astype("float32")
    y = (x[:, :1] - x[:, 1:2]).astype("float32")
    penalty = keras.regularizers.L2(1.0)
    model = keras.Sequential([keras.Input((10,))]
                             + [keras.layers.Dense(16, activation="relu", kernel_regularizer=penalty)
                                for _ in range(2)]
                             + [keras.layers.Dense(1, kernel_regularizer=penalty)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    monitor = fitdoctor.Monitor(probe=(x[:64], y[:64]))
    model.fit(x, y, epochs=10, batch_size=64, verbose=0, callbacks=[monitor])
    constant = [f for f in monitor.report.findings() if f.code == "FD405"]
    assert constant and constant[0].evidence["ratio"] < 1e-2
    # One Monitor, reused on a healthy model: nothing carries over.
    keras.utils.set_random_seed(0)
    healthy = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    healthy.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    healthy.fit(x, y, epochs=5, batch_size=64, verbose=0, callbacks=[monitor])
    assert _reported(monitor.report.findings()) == []
    assert monitor.run.history.epochs == 5


def test_monitor_changes_nothing_it_observes():
    weights = []
    for callbacks in ([], [fitdoctor.Monitor(probe=None)]):
        keras.utils.set_random_seed(0)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((128, 6)).astype("float32")
        y = (x[:, :1] > 0).astype("float32")
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.BatchNormalization(), keras.layers.Dropout(0.3),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        if callbacks:
            callbacks = [fitdoctor.Monitor(probe=(x[:32], y[:32]))]
        model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=callbacks)
        weights.append([np.array(v) for v in model.weights])
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_monitor_with_validation_multiple_outputs_sample_weights_and_schedule():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 6)).astype("float32")
    y1 = (x[:, :1] - x[:, 1:2]).astype("float32")
    y2 = (x[:, 2] > 0).astype("int32")
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="value")(hidden),
                                 keras.layers.Dense(2, activation="softmax", name="label")(hidden)])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 20, 0.9)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=["mse", "sparse_categorical_crossentropy"])
    weights = rng.uniform(0.5, 1.5, 256).astype("float32")
    monitor = fitdoctor.Monitor(probe=(x[:64], (y1[:64], y2[:64]), weights[:64]))
    model.fit(x, (y1, y2), sample_weight=weights, validation_data=(x[:32], (y1[:32], y2[:32])),
              epochs=4, steps_per_epoch=2, batch_size=32, verbose=0, callbacks=[monitor])
    findings = monitor.report.findings()
    assert monitor.measurement_count >= 1
    assert not [f for f in findings if f.code == "FD901"], [f.evidence for f in findings if f.code == "FD901"]
    assert _reported(findings) == []


def test_divergence_after_warmup_measures_the_curvature_then():
    """A warm-up schedule takes SGD past the stability limit only after some steps: pre-flight
    sees a stable start; when the loss diverges, the monitor measures the curvature at that
    moment and reports FD301 there, explaining FD402."""
    warmup = keras.optimizers.schedules.PolynomialDecay(0.001, 12, end_learning_rate=0.05)
    model, x, y = _diverging_problem(keras.optimizers.SGD(warmup))
    monitor = fitdoctor.Monitor(probe=(x, y))
    model.fit(x, y, epochs=25, batch_size=64, verbose=0, callbacks=[monitor])
    ranked = monitor.run.ranked()
    codes = [f.code for f in ranked if f.severity >= Severity.WARNING]
    assert codes[:2] == ["FD301", "FD402"], [(f.code, f.title) for f in ranked]
    assert ranked[0].detected_at.startswith("epoch")
    assert ranked[1].explained_by == "FD301"


def test_divergence_that_overflows_within_an_epoch_is_measured_on_the_last_finite_weights():
    """A schedule that raises the rate 100x past the limit in epoch 3 overflows the weights
    inside that epoch: they are NaN when it ends, so the curvature is measured where they were
    last finite (epoch 2), and the rate in force now is judged against it."""
    jump = keras.optimizers.schedules.PiecewiseConstantDecay([64], [0.001, 5.0])
    model, x, y = _diverging_problem(keras.optimizers.SGD(jump))
    monitor = fitdoctor.Monitor(probe=(x, y))
    model.fit(x, y, epochs=5, batch_size=2, verbose=0, callbacks=[monitor])
    assert not np.isfinite(keras.ops.convert_to_numpy(model.layers[0].kernel)).all()
    ranked = monitor.run.ranked()
    assert [f.code for f in ranked][:2] == ["FD301", "FD401"], [(f.code, f.title) for f in ranked]
    cause = ranked[0]
    assert (cause.evidence["measured_at"], cause.detected_at) == ("epoch 2", "epoch 3")
    assert cause.evidence["learning_rate"] > cause.evidence["largest_stable_rate"]


def test_diagnose_in_a_notebook():
    model, x, y = _diverging_problem()
    report = fitdoctor.diagnose(model, x, y, batch_size=64, epochs=5)
    codes = [f.code for f in report.runs[0].ranked()]
    assert codes[0] == "FD301"
    assert model.optimizer.iterations.numpy() == 0


def test_a_loop_of_short_fits_is_measured_within_budget_and_at_its_end():
    """Twelve one-epoch fits of one model are one run: the monitor's budget carries from fit
    to fit (a measurement at every fit's end would cost more than the fits), and the final
    weights are measured once, when the script ends."""
    from conftest import PROGRAMS, diagnose_script

    report = diagnose_script(PROGRAMS / "shapes" / "fit_loop.py", preflight_only=False)
    run, = report.runs
    assert run.history.epochs == 12
    assert 1 <= len(run.history.gradients) <= 3, run.history.gradients
    assert run.history.measurements[-1].step == 12 * 8  # 256 samples in batches of 32
