"""What a repair is: changes to one training run, declared as data so that a fresh process can
apply them (repair/apply.py), a patch can write them into the user's script (repair/patch.py)
and a report can show them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

# What a change touches, in the order a trial applies them: the data fit() receives, the
# model, the compile configuration, then fit()'s own arguments.
TARGETS = ("data", "model", "compile", "fit")


@dataclass(frozen=True)
class Change:
    """One edit of the program. `action` names an applier in repair/apply.py; `params` are
    plain JSON values measured when the repair was planned."""

    target: str
    action: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"change target {self.target!r} is not one of {TARGETS}")

    @property
    def slot(self) -> tuple[str, str]:
        """Two changes in one slot contradict each other (two learning rates, two losses)."""
        return (self.target, self.params.get("slot", self.action))

    @property
    def key(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Change":
        return cls(data["target"], data["action"], dict(data.get("params") or {}))


@dataclass(frozen=True)
class Repair:
    """A candidate fix of one finding: what it changes, how safe it is, and the code a user
    would write. `budget` marks a repair that changes the number of optimizer steps (the one
    exception to "same seeds, same budget")."""

    fixes: tuple[str, ...]
    summary: str
    safety: str
    changes: tuple[Change, ...]
    code: str
    budget: bool = False

    def __post_init__(self) -> None:
        if self.safety not in ("safe", "changes-intent"):
            raise ValueError(f"a repair is 'safe' or 'changes-intent', not {self.safety!r}")

    @property
    def key(self) -> frozenset[str]:
        """Repairs that make the same changes are the same trial, whatever they fix."""
        return frozenset(change.key for change in self.changes)

    @property
    def slots(self) -> set[tuple[str, str]]:
        return {change.slot for change in self.changes}

    def compatible(self, other: "Repair") -> bool:
        return not (set(self.fixes) & set(other.fixes)) and not (self.slots & other.slots)

    def combine(self, other: "Repair") -> "Repair":
        safety = "safe" if self.safety == other.safety == "safe" else "changes-intent"
        return Repair(self.fixes + other.fixes, f"{self.summary}; {other.summary}", safety,
                      self.changes + other.changes, f"{self.code}\n{other.code}",
                      self.budget or other.budget)

    def to_dict(self) -> dict[str, Any]:
        return {"fixes": list(self.fixes), "summary": self.summary, "safety": self.safety,
                "changes": [c.to_dict() for c in self.changes], "code": self.code, "budget": self.budget}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Repair":
        return cls(tuple(data["fixes"]), data["summary"], data["safety"],
                   tuple(Change.from_dict(c) for c in data["changes"]), data["code"],
                   bool(data.get("budget")))
