"""The report: one data model (`model`), rendered by `terminal` and `json_report`."""

from fitdoctor.report.model import Report, Run

__all__ = ["Report", "Run"]
