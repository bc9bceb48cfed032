"""The JSON view of a report (schema `fitdoctor.report/1`, see the contract)."""

from __future__ import annotations

import json
from pathlib import Path

from fitdoctor.report.model import Report


def write(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report.to_dict(), indent=2, allow_nan=False, default=str) + "\n")
