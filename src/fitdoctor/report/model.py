"""Report and Run: what fitdoctor found, per training run."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from fitdoctor.findings import Finding, Severity, jsonable
from fitdoctor.history import LossHistory

SCHEMA = "fitdoctor.report/1"
# Values of predictions (and as many targets) kept per measurement for the report's plot.
PREDICTION_VALUES = 256
# Measurements of the per-layer gradient norms kept over training: the first ones and the latest.
GRADIENT_MEASUREMENTS = 24

_KIND_ORDER = {"cause": 0, "symptom": 1, "tool": 2}
# Among causes of equal severity, the one whose fix lets the program train comes first:
# broken data and wiring before rates, rates before cosmetics.
_CAUSE_PRIORITY = ["FD105", "FD101", "FD201", "FD107", "FD106", "FD202", "FD206", "FD204", "FD205",
                   "FD301", "FD302", "FD207", "FD203", "FD104", "FD304", "FD303", "FD305",
                   "FD102", "FD103", "FD108"]

# Causes that make other findings inevitable, tried before the other links of those
# findings: an output activation that cannot reach the targets (FD207) kills its own ReLU,
# leaves the rate no progress to make, freezes the weights, makes the predictions constant and
# stalls the loss; inputs hundreds of times their useful scale (FD102) kill units and stall
# training with them, and multiply the first layer's gradient by their scale, so the gradient
# growth or the spikes they cause (FD304) are theirs too. A cause and a consequence that name different layers are not linked
# (dead hidden units are not the output's doing).
_ROOT_CAUSES = {
    "FD207": ("FD206", "FD302", "FD403", "FD405", "FD406"),
    "FD102": ("FD206", "FD304", "FD403", "FD405"),
}


def _root_causes(finding: Finding, reported: dict[str, Finding]) -> tuple[str, ...]:
    def same_place(cause: Finding) -> bool:
        layers = (cause.location.get("layer"), finding.location.get("layer"))
        return None in layers or layers[0] == layers[1]

    return tuple(cause for cause, consequences in _ROOT_CAUSES.items()
                 if finding.code in consequences and cause in reported and same_place(reported[cause]))


def rank(findings: list[Finding]) -> list[Finding]:
    """Most important first. A finding that a reported cause explains (a symptom, or a rate
    judged on a loss that cause shaped) is linked to it and told as part of its story: right
    after it, and the story ranks by its most severe finding."""
    from fitdoctor.checks import REGISTRY

    reported: dict[str, Finding] = {}
    for finding in findings:
        if finding.kind == "cause" and finding.severity > Severity.INFO:
            if finding.code not in reported or finding.severity > reported[finding.code].severity:
                reported[finding.code] = finding
    for finding in findings:
        # A link the finding was made with (a cause that developed during training, from a
        # reported one) stands while that cause is reported; otherwise its check's links.
        causes = ((finding.explained_by,) if finding.explained_by else ()) \
            + _root_causes(finding, reported) + tuple(getattr(REGISTRY.get(finding.code), "explained_by", ()))
        finding.explained_by = next((c for c in causes if c in reported and c != finding.code
                                     and c not in finding.independent_of), None)

    def story(finding: Finding) -> list[Finding]:
        """The chain of explaining causes from the root down to `finding`."""
        chain = [finding]
        while chain[-1].explained_by:
            cause = reported[chain[-1].explained_by]
            if any(cause is link for link in chain):
                break
            chain.append(cause)
        return chain[::-1]

    stories = {id(f): story(f) for f in findings}
    severity: dict[int, int] = {}
    for chain in stories.values():
        root = id(chain[0])
        severity[root] = max(severity.get(root, int(chain[0].severity)), int(chain[-1].severity))

    def own(f: Finding, level: int) -> tuple:
        priority = _CAUSE_PRIORITY.index(f.code) if f.code in _CAUSE_PRIORITY else len(_CAUSE_PRIORITY)
        return (-level, _KIND_ORDER[f.kind], priority, f.code)

    def key(f: Finding) -> tuple:
        root, *rest = stories[id(f)]
        return (own(root, severity[id(root)]), *(own(g, int(g.severity)) for g in rest))

    return sorted(findings, key=key)


@dataclass
class Traces:
    """What the report's plots show, taken from measurements pre-flight and the monitor made
    anyway (nothing is measured for the report): the loss at each step of pre-flight's short
    run with the user's optimizer (on a copy of the weights), the probe batch's loss at each
    monitor measurement, per-layer gradient norms and a sample of predictions against targets."""

    preflight_losses: list[float] = field(default_factory=list)
    probe_losses: list[tuple[int, float]] = field(default_factory=list)
    gradient_norms: list[dict[str, Any]] = field(default_factory=list)
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record_preflight(self, measured: Any) -> None:
        """`measured(name)` is a pre-flight measurement by name, or None when no check took it."""
        short_run = measured("user_short_run")
        if short_run is not None:
            self.preflight_losses = [float(loss) for loss in short_run.losses]
        groups = measured("layer_gradients")
        if groups:
            self.add_gradients("preflight", groups)
        predictions, targets = measured("predictions"), measured("targets")
        if predictions and targets:
            self.set_predictions("preflight", predictions, targets)

    def record_measurement(self, measurement: Any) -> None:
        """A monitor measurement (probes/training.py Measurement), before its arrays are dropped."""
        if measurement.loss is not None:
            self.probe_losses.append((int(measurement.step), float(measurement.loss)))
        if measurement.groups:
            self.add_gradients(measurement.at, measurement.groups)
        if measurement.predictions and measurement.targets:
            self.set_predictions("latest", measurement.predictions, measurement.targets, measurement.at)

    def add_gradients(self, at: str, groups: list[Any]) -> None:
        """Per layer (probes/gradients.py LayerGradient, input side first), the norm of the
        loss gradient of its trainable weights."""
        self.gradient_norms.append({"at": at, "layers": [[g.name, g.grad_norm] for g in groups]})
        if len(self.gradient_norms) > GRADIENT_MEASUREMENTS:
            del self.gradient_norms[GRADIENT_MEASUREMENTS // 2]

    def set_predictions(self, key: str, predictions: list[Any], targets: list[Any], at: str = "preflight") -> None:
        """The first output's predictions and targets, flattened, on the first samples that
        give at most PREDICTION_VALUES values each."""
        import numpy as np

        y_pred, y_true = np.asarray(predictions[0]), np.asarray(targets[0])
        per_sample = max(y_pred[:1].size, y_true[:1].size, 1)
        samples = max(1, PREDICTION_VALUES // per_sample)
        self.predictions[key] = {
            "at": at,
            "predictions": y_pred[:samples].astype(float).ravel().tolist(),
            "targets": y_true[:samples].astype(float).ravel().tolist(),
            "samples": int(min(samples, len(y_pred))),
        }

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "preflight_losses": self.preflight_losses,
            "probe_losses": [list(pair) for pair in self.probe_losses],
            "gradient_norms": self.gradient_norms,
            "predictions": self.predictions,
        })


@dataclass
class Run:
    where: str
    findings: list[Finding] = field(default_factory=list)
    history: LossHistory = field(default_factory=LossHistory)
    preflight_seconds: float = 0.0
    repairs: list[dict[str, Any]] = field(default_factory=list)
    # With --repair: the goal, the baseline, the causes with no mechanical fix and the
    # repairs the time budget left untried.
    repair_notes: dict[str, Any] | None = None
    traces: Traces = field(default_factory=Traces)
    # The pre-flight sample (a data.Batch), which the training monitor measures on, and the
    # user's batch size; not reported.
    probe: Any = field(default=None, repr=False, compare=False)
    batch_size: int | None = field(default=None, repr=False, compare=False)
    # The training monitor's state carried from one fit() of the run to the next (its time
    # budget, its compiled probe) and the measurement of the final weights it left for the
    # end of the script; not reported.
    monitor_carry: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    pending_final: Any = field(default=None, repr=False, compare=False)

    def ranked(self) -> list[Finding]:
        return rank(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "preflight_seconds": round(self.preflight_seconds, 3),
            "findings": [f.to_dict() for f in self.ranked()],
            "history": {"loss": jsonable(self.history.losses)},
            "repairs": self.repairs,
            **({"repair_search": self.repair_notes} if self.repair_notes is not None else {}),
            "initial_loss": jsonable(self.history.initial),
            "traces": self.traces.to_dict(),
        }


@dataclass
class Report:
    script: str | None
    runs: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def findings(self) -> list[Finding]:
        return [f for run in self.runs for f in run.findings]

    def fails(self, level: Severity | None) -> bool:
        """Whether a cause or symptom at or above `level` was reported (tool findings never count)."""
        if level is None:
            return False
        return any(f.severity >= level and f.kind != "tool" for f in self.findings())

    def _repr_html_(self) -> str:
        """A notebook shows the report as the HTML view; without the `html` extra, what to install."""
        from fitdoctor.report import html

        try:
            return html.render(self.to_dict(), fragment=True)
        except html.MissingExtra as missing:
            return f"<pre>{escape(str(missing))}</pre>"

    def to_dict(self) -> dict[str, Any]:
        import keras

        from fitdoctor import __version__

        return {
            "schema": SCHEMA,
            "fitdoctor_version": __version__,
            "keras_version": keras.__version__,
            "backend": keras.backend.backend(),
            "script": self.script,
            "notes": self.notes,
            "runs": [run.to_dict() for run in self.runs],
        }


# -- what every view reads from the report's dict ---------------------------------------------

def top_finding(findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The verdict of a run: its first (ranked) cause or symptom above info."""
    return next((f for f in findings if f["kind"] != "tool" and f["severity"] != "info"), None)


def counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    """Findings per severity, tool findings not counted."""
    counted = [f for f in findings if f["kind"] != "tool"]
    return {level.label: sum(1 for f in counted if f["severity"] == level.label) for level in Severity}


def repairs_in_order(repairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recommended repair first, then the other verified ones, then the rest, each group
    in the order tried."""
    return sorted(repairs, key=lambda r: (not r.get("recommended", False), not r.get("verified", False)))
