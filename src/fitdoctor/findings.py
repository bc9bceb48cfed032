"""The one data model every view (terminal, JSON) renders: findings, runs, the report."""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from fitdoctor.codes import CODES


class Severity(enum.IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


@dataclass(frozen=True)
class Fix:
    """What to change. `safety`: `safe` (keeps the program's intent), `changes-intent`
    (rate, layers, loss) or `advice` (nothing to apply mechanically)."""

    summary: str
    code: str | None = None
    safety: str = "advice"


@dataclass
class Finding:
    code: str
    severity: Severity
    title: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    location: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None
    detected_at: str = "preflight"
    explained_by: str | None = None
    # Causes measured not to explain this finding (fixing them alone would leave it standing),
    # which the ranking then does not link it to.
    independent_of: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}; codes come from codes.py")

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def kind(self) -> str:
        return CODES[self.code].kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "kind": self.kind,
            "title": self.title,
            "message": self.message,
            "evidence": jsonable(self.evidence),
            "location": jsonable(self.location),
            "fix": asdict(self.fix) if self.fix else None,
            "detected_at": self.detected_at,
            "explained_by": self.explained_by,
            "independent_of": list(self.independent_of),
        }


def jsonable(value: Any) -> Any:
    """NumPy scalars and arrays, tuples and nested containers as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float):
        return float(f"{value:.6g}") if math.isfinite(value) else str(value)
    return value
