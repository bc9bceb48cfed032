"""The Monitor callback on its own, as a user adds it to fit()."""

import keras
import numpy as np

import fitdoctor


def _diverging_problem():
    keras.utils.set_random_seed(0)
    x = (5 * np.random.default_rng(0).standard_normal((64, 3))).astype("float32")
    y = x @ np.array([[1.0], [0.5], [-1.0]], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model, x, y


def test_standalone_monitor_reports_and_resets_between_fits():
    model, x, y = _diverging_problem()
    monitor = fitdoctor.Monitor()
    model.fit(x, y, epochs=6, batch_size=64, verbose=0, callbacks=[monitor])
    assert [f.code for f in monitor.report.findings()] == ["FD402"]
    assert len(monitor.run.history.losses) == 6
    model.fit(x, y, epochs=1, batch_size=64, verbose=0, callbacks=[monitor])
    assert len(monitor.run.history.losses) == 1


def test_stop_on_error_ends_a_doomed_run_early():
    model, x, y = _diverging_problem()
    monitor = fitdoctor.Monitor(stop_on="error")
    history = model.fit(x, y, epochs=50, batch_size=64, verbose=0, callbacks=[monitor])
    assert len(history.history["loss"]) == 4  # the epoch at which FD402 is established


def test_monitor_overrides_no_batch_hook():
    base = keras.callbacks.Callback
    for hook in ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_end", "on_predict_batch_end"):
        assert getattr(fitdoctor.Monitor, hook) is getattr(base, hook)


def test_diagnose_in_a_notebook():
    model, x, y = _diverging_problem()
    report = fitdoctor.diagnose(model, x, y, batch_size=64, epochs=5)
    codes = [f.code for f in report.runs[0].ranked()]
    assert codes[0] == "FD301"
    assert model.optimizer.iterations.numpy() == 0
