"""Runs the checks of one training run: pre-flight once, budget checks again when a later
fit() grows the run, symptoms on the loss history. A check that raises becomes an FD901
finding; a program shape a check cannot analyse becomes one FD902 finding per run."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from fitdoctor.checks import preflight_checks, symptom_checks
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.codes import CODES
from fitdoctor.config import Settings
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes import rng
from fitdoctor.program import Program
from fitdoctor.report.model import Run


@dataclass
class RunState:
    """A training run in progress: its program, shared measurements and report entry."""

    program: Program
    run: Run
    context: PreflightContext
    skipped: dict[str, str] = field(default_factory=dict)


def check_error(code: str, error: BaseException) -> Finding:
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return Finding(
        "FD901", Severity.INFO, f"Check {code} failed: {type(error).__name__}: {error}",
        "fitdoctor could not complete this check; training was not affected. Please report it.",
        {"check": code, "exception": type(error).__name__, "error": str(error)[:500],
         "traceback": [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames]},
        {}, Fix("Report this at the fitdoctor issue tracker", None, "advice"),
    )


def _run_check(check: Check, state: RunState) -> list[Finding]:
    state.context.used_shortened = {}
    try:
        return _shortened(list(check.run(state.context)), state.context.used_shortened)
    except Unsupported as reason:
        state.skipped[check.code] = str(reason)
    except Exception as error:  # noqa: BLE001 - a check must never break the user's fit
        return [check_error(check.code, error)]
    return []


def _shortened(findings: list[Finding], notes: dict[str, str]) -> list[Finding]:
    """Findings judged on measurements that pre-flight's budget shortened say which."""
    if notes:
        for finding in findings:
            finding.evidence.setdefault("shortened", "; ".join(notes.values()))
    return findings


def _unsupported(state: RunState) -> list[Finding]:
    if not state.skipped:
        return []
    return [Finding(
        "FD902", Severity.INFO, f"{len(state.skipped)} check(s) could not analyse this program",
        "; ".join(f"{', '.join(codes)}: {why}" for why, codes in _by_reason(state.skipped).items()),
        {"skipped": dict(sorted(state.skipped.items()))}, {}, None)]


def _by_reason(skipped: dict[str, str]) -> dict[str, list[str]]:
    """Codes grouped by the reason they were skipped, in code order."""
    reasons: dict[str, list[str]] = {}
    for code, why in sorted(skipped.items()):
        reasons.setdefault(why, []).append(code)
    return reasons


def _build(program: Program) -> None:
    """A model whose layers are built lazily (subclassed models) is built the way fit() would
    build it at its first step, from the shapes of a batch, so the probes have weights to
    look at; fit() then finds it built and creates nothing again."""
    model, sample = program.model, program.data.sample
    if sample is None or all(layer.built for layer in model._flatten_layers()):
        return
    batch = sample.take(program.data.batch_size or sample.size)
    model._symbolic_build(data_batch=(batch.x, batch.y, batch.sample_weight))


Progress = Callable[[str, int, int], None]


def start(program: Program, settings: Settings, progress: Progress | None = None) -> RunState:
    """Pre-flight: every selected check on a new run. Every global RNG ends as it began, and
    a compiled loss or metrics that fit() has not built yet are left unbuilt (see
    `_unbuilt_compile_state`). `progress(what, done, total)` is told before each check and
    once at the end (done == total)."""
    unbuilt = _unbuilt_compile_state(program.model)
    try:
        with rng.preserved():
            return _preflight(program, settings, progress or (lambda what, done, total: None))
    finally:
        _restore(unbuilt)


def measure_more(state: RunState, measure: Callable[[RunState], None]) -> None:
    """Runs `measure` on a run's state after its pre-flight, as a check runs: every global RNG
    and the unbuilt compile state restored, an exception reported as FD901."""
    unbuilt = _unbuilt_compile_state(state.program.model)
    try:
        with rng.preserved():
            measure(state)
    except Exception as error:  # noqa: BLE001 - never break the user's fit
        state.run.findings.append(check_error("repair planning", error))
    finally:
        _restore(unbuilt)


def _unbuilt_compile_state(model: Any) -> list[tuple[Any, dict, dict]]:
    """The compiled loss and metrics not built yet, with their attributes and tracked lists.

    The probes build the compiled loss to evaluate it. Left built, it would change fit():
    fit() builds what is unbuilt from one batch that it draws from the data first (a
    PyDataset's shuffle and `__getitem__`, with the RNG draws in them), so a pre-built
    model would skip that draw and train on a shifted random sequence."""
    saved = []
    for name in ("_compile_loss", "_compile_metrics"):
        part = getattr(model, name, None)
        if part is None or getattr(part, "built", True):
            continue
        tracker = getattr(part, "_tracker", None)
        stores = {} if tracker is None else {
            store: (list(spec[1]), set(tracker.stored_ids.get(store, ())))
            for store, spec in tracker.config.items() if isinstance(spec[1], list)}
        saved.append((part, dict(vars(part)), stores))
    return saved


def _restore(saved: list[tuple[Any, dict, dict]]) -> None:
    for part, attributes, stores in saved:
        tracker = attributes.get("_tracker")
        for store, (items, ids) in stores.items():
            tracker.config[store][1][:] = items
            tracker.stored_ids[store] = ids
        vars(part).clear()
        vars(part).update(attributes)


def _preflight(program: Program, settings: Settings, progress: Progress) -> RunState:
    began = time.perf_counter()
    run = Run(program.where, probe=program.data.sample, batch_size=program.data.batch_size)
    state = RunState(program, run, PreflightContext(program))
    findings: list[Finding] = []
    try:
        _build(program)
    except Exception as error:  # noqa: BLE001 - fit() will raise its own, clearer error
        findings.append(check_error("build", error))
    # Checks that yield to stronger causes run after every other check.
    checks = [c for c in sorted(preflight_checks(), key=lambda c: bool(c.yields_to)) if settings.wants(c.code)]
    try:
        for done, check in enumerate(checks):
            if not _explained(check, findings):
                progress(f"{check.code} {CODES[check.code].name}", done, len(checks))
                findings.extend(_run_check(check, state))
    finally:
        progress("done", len(checks), len(checks))
    try:
        state.run.history.initial = state.context.initial_loss
    except Exception:  # noqa: BLE001 - no reference loss is fine; symptoms fall back to epoch 1
        pass
    state.run.findings = findings + _unsupported(state)
    try:
        state.run.traces.record_preflight(state.context.measured)
    except Exception as error:  # noqa: BLE001 - the report's plots must never cost a finding
        state.run.findings.append(check_error("report", error))
    state.run.preflight_seconds = time.perf_counter() - began
    return state


def _explained(check: Check, findings: list[Finding]) -> bool:
    return any(f.code in check.yields_to and f.severity >= Severity.WARNING for f in findings)


def rejudge_budget(state: RunState, settings: Settings) -> list[Finding]:
    """Judge the budget-dependent checks again (the run grew or ended); returns the findings
    that are new, replacing earlier findings of those checks."""
    with rng.preserved():
        return _rejudge_budget(state, settings)


def _rejudge_budget(state: RunState, settings: Settings) -> list[Finding]:
    budget_checks = [c for c in preflight_checks() if c.depends_on_budget and settings.wants(c.code)]
    codes = {c.code for c in budget_checks}
    before = {f.code for f in state.run.findings}
    state.skipped = {code: why for code, why in state.skipped.items() if code not in codes}
    fresh = [f for check in budget_checks for f in _run_check(check, state)]
    kept = [f for f in state.run.findings if f.code not in codes and f.code != "FD902"
            and not (f.code == "FD901" and f.evidence.get("check") in codes)]
    state.run.findings = kept + fresh + _unsupported(state)
    return [f for f in fresh if f.code not in before]


def judge_after_training(state: RunState, settings: Settings) -> None:
    """Judge again the checks that need the training's outcome, replacing their pre-flight
    findings (what the monitor found during training stays)."""
    checks = [c for c in preflight_checks() if c.judged_after_training and settings.wants(c.code)]
    if not checks:
        return
    state.context.trained = True
    codes = {c.code for c in checks}
    with rng.preserved():
        fresh = [f for check in checks for f in _run_check(check, state)]
    state.run.findings = [f for f in state.run.findings
                          if f.code not in codes or f.detected_at != "preflight"] + fresh


def judge_symptoms(run: Run, settings: Settings, final: bool) -> list[Finding]:
    """Symptoms of the run's loss history not reported yet; adds them to the run."""
    known = {f.code for f in run.findings}
    new = []
    for symptom in symptom_checks():
        if symptom.code in known or not settings.wants(symptom.code):
            continue
        if symptom.at_end_only and not final:
            continue
        try:
            finding = symptom.judge(run.history)
        except Exception as error:  # noqa: BLE001
            finding = check_error(symptom.code, error)
        if finding is not None:
            new.append(finding)
    run.findings.extend(new)
    return new
