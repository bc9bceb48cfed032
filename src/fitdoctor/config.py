"""Settings: the command line over `[tool.fitdoctor]` in the user's pyproject.toml, frozen."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fitdoctor.codes import matches
from fitdoctor.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preflight_only: bool = False
    stop_on: Severity | None = None
    fail_on: Severity | None = Severity.ERROR

    def wants(self, code: str) -> bool:
        if code.startswith("FD9"):
            return True
        if self.select and not matches(code, self.select):
            return False
        return not matches(code, self.ignore)

    def with_overrides(self, **overrides: Any) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(v.strip().upper() for v in value or () if v.strip())


def _level(value: str | None) -> Severity | None:
    if value is None or value == "never":
        return None
    return Severity.parse(value)


def parse_level(value: str | None) -> Severity | None:
    return _level(value)


def parse_codes(value: str | None) -> tuple[str, ...] | None:
    return None if value is None else _codes(value)


def load(directory: Path) -> Settings:
    """`[tool.fitdoctor]` from the nearest pyproject.toml at or above `directory`."""
    for folder in [directory, *directory.parents]:
        path = folder / "pyproject.toml"
        if path.is_file():
            table = tomllib.loads(path.read_text()).get("tool", {}).get("fitdoctor", {})
            settings = Settings()
            if "select" in table:
                settings = replace(settings, select=_codes(table["select"]))
            if "ignore" in table:
                settings = replace(settings, ignore=_codes(table["ignore"]))
            if "fail-on" in table:
                settings = replace(settings, fail_on=_level(table["fail-on"]))
            if "stop-on" in table:
                settings = replace(settings, stop_on=_level(table["stop-on"]))
            return settings
    return Settings()
