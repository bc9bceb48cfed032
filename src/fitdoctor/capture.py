"""Intercepts `keras.Model.fit` so an unmodified script is diagnosed before it trains.

Each fit() on a model not seen before starts a training run: its data is sampled (and
replayed), a `Program` captured, pre-flight checks run and reported at once, and a
`Monitor` attached. Later fit() calls on the same model extend that run's budget.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import os
import sys
from functools import lru_cache
from typing import Any, Callable

from fitdoctor import engine
from fitdoctor.config import Settings
from fitdoctor.data import describe, steps_per_epoch
from fitdoctor.findings import Finding
from fitdoctor.program import Program
from fitdoctor.report.model import Report, Run

_OWN_PACKAGE = os.path.dirname(__file__)


class Session:
    """All training runs of one script (or one notebook session)."""

    def __init__(self, settings: Settings, script: str | None = None,
                 on_findings: Callable[[str, list[Finding]], None] | None = None, *,
                 before_fit: Callable[[Any, dict], Any] | None = None,
                 after_preflight: Callable[[engine.RunState], None] | None = None,
                 on_progress: engine.Progress | None = None) -> None:
        """`before_fit(model, arguments)` may change fit()'s arguments in place and returns the
        model to train instead (a repair trial), or None to skip that fit(); `after_preflight`
        sees each new run's state right after its pre-flight, before training; `on_progress`
        is told of each pre-flight check as it starts (the terminal's status line)."""
        self.settings = settings
        self._before_fit = before_fit
        self._after_preflight = after_preflight
        self._on_progress = on_progress
        self.report = Report(script)
        self._on_findings = on_findings or (lambda heading, findings: None)
        self._states: dict[int, engine.RunState] = {}
        self._runs: dict[int, Run] = {}
        # Keeps each diagnosed model alive, so that its id() is never reused by a new model.
        self._models: dict[int, Any] = {}
        self._original_fit: Callable | None = None
        self._original_train_on_batch: Callable | None = None
        self._inside_fit = False
        self.train_on_batch_calls = 0
        # The run of each intercepted fit() call, in order (a notebook reports the runs of a cell).
        self.fitted: list[Run] = []

    def install(self) -> None:
        import keras

        self._original_fit = keras.Model.fit
        original = self._original_fit
        session = self

        def fit(model: Any, *args: Any, **kwargs: Any) -> Any:
            if session._inside_fit:
                return original(model, *args, **kwargs)
            session._inside_fit = True
            try:
                return session._fit(original, model, args, kwargs)
            finally:
                session._inside_fit = False

        fit.__wrapped__ = original
        fit.__doc__ = original.__doc__
        keras.Model.fit = fit

        # train_on_batch is only counted: a loop of single steps has no epochs, no known
        # budget and one batch per call, too little to judge without false alarms.
        self._original_train_on_batch = keras.Model.train_on_batch
        original_step = self._original_train_on_batch

        def train_on_batch(model: Any, *args: Any, **kwargs: Any) -> Any:
            session.train_on_batch_calls += 1
            return original_step(model, *args, **kwargs)

        train_on_batch.__wrapped__ = original_step
        train_on_batch.__doc__ = original_step.__doc__
        keras.Model.train_on_batch = train_on_batch

    def uninstall(self) -> None:
        import keras

        if self._original_fit is not None:
            keras.Model.fit = self._original_fit
            self._original_fit = None
        if self._original_train_on_batch is not None:
            keras.Model.train_on_batch = self._original_train_on_batch
            self._original_train_on_batch = None

    def finish(self) -> Report:
        """Judge what needs the whole run (final budget, end-of-training symptoms)."""
        for state in self._states.values():
            state.program.budget.predicted_repeats = 1
            engine.rejudge_budget(state, self.settings)
            if state.run.history.epochs:
                engine.judge_after_training(state, self.settings)
        for run in self._runs.values():
            if run.pending_final is not None:
                try:
                    run.pending_final()
                except Exception as error:  # noqa: BLE001
                    run.findings.append(engine.check_error("monitor", error))
                run.pending_final = None
            run.history.finished = True
            engine.judge_symptoms(run, self.settings, final=True)
        if not self.report.runs and self.train_on_batch_calls:
            self.report.notes.append(
                f"The script trained with train_on_batch() ({self.train_on_batch_calls} calls) and made no "
                "fit() call; fitdoctor diagnoses fit() calls only. For a pre-flight diagnosis of such a "
                "loop, call fitdoctor.diagnose(model, x, y, batch_size=..., epochs=...) before it.")
        elif not self.report.runs:
            self.report.notes.append("The script made no fit() call, so there was no training to diagnose.")
        return self.report

    def _fit(self, original: Callable, model: Any, args: tuple, kwargs: dict) -> Any:
        import keras

        arguments = _bind(original, model, args, kwargs)
        if self._before_fit is not None:
            model = self._before_fit(model, arguments)
            if model is None:
                return keras.callbacks.History()
        frame = _user_frame()
        where = _location(frame)
        run = self._runs.get(id(model)) if self._models.get(id(model)) is model else None
        try:
            if run is None:
                run = self._start(model, arguments, where, frame)
            elif id(model) in self._states:
                state = self._states[id(model)]
                state.program.add_call(where, arguments, steps_per_epoch(arguments))
                new = engine.rejudge_budget(state, self.settings)
                if new:
                    self._on_findings(f"fitdoctor: fit() at {where} (run of {run.where})", new)
        except Exception as error:  # noqa: BLE001 - diagnosis must never break the user's fit
            if run is None:
                run = self._add_run(model, Run(where))
            run.findings.append(engine.check_error("capture", error))
        self.fitted.append(run)
        if self.settings.preflight_only or self._stop_now(run):
            history = keras.callbacks.History()
            history.set_model(model)
            return history
        from fitdoctor.monitor import Monitor

        monitor = Monitor(self.settings.stop_on, _run=run, _settings=self.settings,
                          _on_finding=lambda f: self._on_findings(f"fitdoctor: during training ({where})", [f]))
        arguments["callbacks"] = list(arguments.get("callbacks") or []) + [monitor]
        return original(model, **arguments)

    def models(self) -> list[Any]:
        """The model of each run, in the report's order."""
        return [self._models[key] for key in self._runs]

    def _add_run(self, model: Any, run: Run) -> Run:
        self._models[id(model)] = model
        self._runs[id(model)] = run
        self.report.runs.append(run)
        return run

    def _start(self, model: Any, arguments: dict, where: str, frame: Any) -> Run:
        data = describe(arguments)
        if data.fit_x is not None:
            arguments["x"] = data.fit_x
        program = Program.capture(model, data, arguments, where)
        repeats, source = _loop_repeats(frame)
        program.budget.predicted_repeats, program.budget.loop_source = repeats, source
        state = engine.start(program, self.settings, self._on_progress)
        self._states[id(model)] = state
        self._add_run(model, state.run)
        self._on_findings(f"fitdoctor pre-flight: fit() at {where} ({state.run.preflight_seconds:.2f}s)",
                          state.run.ranked())
        if self._after_preflight is not None:
            engine.measure_more(state, self._after_preflight)
        return state.run

    def _stop_now(self, run: Run) -> bool:
        level = self.settings.stop_on
        return level is not None and any(f.severity >= level and f.kind != "tool" for f in run.findings)


def _bind(fit: Callable, model: Any, args: tuple, kwargs: dict) -> dict:
    bound = inspect.signature(fit).bind(model, *args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop("self", None)
    extra = arguments.pop("kwargs", None)
    if extra:
        arguments.update(extra)
    return arguments


def _user_frame() -> Any:
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_OWN_PACKAGE) or "/site-packages/" in filename):
            return frame
        frame = frame.f_back
    return None


def _location(frame: Any) -> str:
    if frame is None:
        return "<unknown>"
    return f"{os.path.relpath(frame.f_code.co_filename)}:{frame.f_lineno}"


@lru_cache(maxsize=32)
def _parse(filename: str) -> ast.AST | None:
    source = "".join(linecache.getlines(filename))
    try:
        return ast.parse(source) if source else None
    except SyntaxError:
        return None


def _loop_repeats(frame: Any) -> tuple[int, str | None]:
    """How many times the innermost `for ... in range(...)` loop around the fit() call runs,
    when its bounds can be read from the frame without running any user code."""
    if frame is None:
        return 1, None
    tree = _parse(frame.f_code.co_filename)
    if tree is None:
        return 1, None
    line = frame.f_lineno
    loops = [node for node in ast.walk(tree)
             if isinstance(node, ast.For) and node.lineno < line <= (node.end_lineno or node.lineno)]
    if not loops:
        return 1, None
    loop = max(loops, key=lambda node: node.lineno)
    call = loop.iter
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
        return 1, None
    try:
        bounds = [_evaluate(arg, frame) for arg in call.args]
        count = len(range(*bounds))
    except (ValueError, TypeError, KeyError):
        return 1, None
    return max(count, 1), f"the loop at {os.path.relpath(frame.f_code.co_filename)}:{loop.lineno}"


def _evaluate(node: ast.AST, frame: Any) -> int:
    """Integers, names bound to integers, `len(name)` and arithmetic on those; nothing else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        value = frame.f_locals.get(node.id, frame.f_globals.get(node.id))
        if isinstance(value, int):
            return value
        raise ValueError(node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        value = frame.f_locals.get(node.args[0].id, frame.f_globals.get(node.args[0].id))
        if hasattr(value, "__len__"):
            return len(value)
        raise ValueError(node.args[0].id)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, frame), _evaluate(node.right, frame)
        operations = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
                      ast.FloorDiv: int.__floordiv__}
        if type(node.op) in operations:
            return operations[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, frame)
    raise ValueError(ast.dump(node))


def diagnose(model: Any, x: Any = None, y: Any = None, *, batch_size: int | None = None,
             epochs: int = 1, settings: Settings | None = None, **fit_kwargs: Any) -> Report:
    """Diagnose `model` as if `model.fit(x, y, batch_size=..., epochs=..., **fit_kwargs)`
    were called next. Compiles nothing and trains nothing. A Python generator passed as `x`
    is read from (two batches); pass a fresh one to `fit` afterwards."""
    arguments = {"x": x, "y": y, "batch_size": batch_size, "epochs": epochs, **fit_kwargs}
    where = _location(_user_frame())
    program = Program.capture(model, describe(arguments), arguments, where)
    state = engine.start(program, settings or Settings())
    return Report(None, [state.run])
