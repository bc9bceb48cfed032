"""Report and Run: what fitdoctor found, per training run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fitdoctor.findings import Finding, Severity, jsonable
from fitdoctor.history import LossHistory

SCHEMA = "fitdoctor.report/1"

_KIND_ORDER = {"cause": 0, "symptom": 1, "tool": 2}
# Among causes of equal severity, the one whose fix lets the program train comes first:
# broken data and wiring before rates, rates before cosmetics.
_CAUSE_PRIORITY = ["FD105", "FD101", "FD201", "FD107", "FD106", "FD202", "FD206", "FD204", "FD205",
                   "FD301", "FD302", "FD207", "FD203", "FD104", "FD304", "FD303", "FD305",
                   "FD102", "FD103", "FD108"]


def rank(findings: list[Finding]) -> list[Finding]:
    """Most important first; each symptom linked to the reported cause that explains it."""
    from fitdoctor.checks import REGISTRY

    reported = {f.code for f in findings if f.kind == "cause" and f.severity > Severity.INFO}
    for finding in findings:
        check = REGISTRY.get(finding.code)
        for cause in getattr(check, "explained_by", ()) if finding.kind == "symptom" else ():
            if cause in reported:
                finding.explained_by = cause
                break

    def key(f: Finding) -> tuple:
        priority = _CAUSE_PRIORITY.index(f.code) if f.code in _CAUSE_PRIORITY else len(_CAUSE_PRIORITY)
        return (-int(f.severity), _KIND_ORDER[f.kind], priority, f.code)

    return sorted(findings, key=key)


@dataclass
class Run:
    where: str
    findings: list[Finding] = field(default_factory=list)
    history: LossHistory = field(default_factory=LossHistory)
    preflight_seconds: float = 0.0
    repairs: list[dict[str, Any]] = field(default_factory=list)
    # The pre-flight sample (a data.Batch), which the training monitor measures on; not reported.
    probe: Any = field(default=None, repr=False, compare=False)

    def ranked(self) -> list[Finding]:
        return rank(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "preflight_seconds": round(self.preflight_seconds, 3),
            "findings": [f.to_dict() for f in self.ranked()],
            "history": {"loss": jsonable(self.history.losses)},
            "repairs": self.repairs,
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
