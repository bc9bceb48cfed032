"""`Monitor`: a Keras callback that records the loss of each epoch and reports symptoms.

It overrides no batch hook, so Keras keeps dispatching batches asynchronously, and it reads
the loss Keras already computed once per epoch: no extra host sync per batch.
"""

from __future__ import annotations

import logging
from typing import Any

import keras

from fitdoctor.config import Settings
from fitdoctor.engine import judge_symptoms
from fitdoctor.findings import Finding, Severity
from fitdoctor.report.model import Report, Run

logger = logging.getLogger("fitdoctor")


class Monitor(keras.callbacks.Callback):
    """Watches training and reports FD4xx symptoms.

    Args:
        stop_on: `"error"` or `"warning"`: stop training as soon as a finding at or above
            that level is established. Default: never stop.

    Standalone (in `callbacks=[fitdoctor.Monitor()]`), each `fit()` is one run: state is
    reset in `on_train_begin`, the report is logged through `logging` when training ends and
    kept as `monitor.report`. Under `fitdoctor run`, repeated fits of one model share a run.
    """

    def __init__(self, stop_on: str | Severity | None = None, *, _run: Run | None = None,
                 _settings: Settings | None = None, _on_finding: Any = None) -> None:
        super().__init__()
        if isinstance(stop_on, str):
            stop_on = Severity.parse(stop_on)
        self.stop_on = stop_on
        self._shared_run = _run
        self._settings = _settings or Settings()
        self._on_finding = _on_finding
        self.run: Run | None = _run
        self.report: Report | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.run = self._shared_run if self._shared_run is not None else Run("fit()")
        self.report = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        self.run.history.record(float(loss))
        self._established(judge_symptoms(self.run, self._settings, final=False))

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._shared_run is not None:
            return
        self.run.history.finished = True
        self._established(judge_symptoms(self.run, self._settings, final=True))
        self.report = Report(None, [self.run])
        for finding in self.run.ranked():
            logger.log(logging.ERROR if finding.severity == Severity.ERROR else logging.WARNING
                       if finding.severity == Severity.WARNING else logging.INFO,
                       "%s %s: %s", finding.code, finding.name, finding.title)

    def _established(self, findings: list[Finding]) -> None:
        for finding in findings:
            if self._on_finding is not None:
                self._on_finding(finding)
            if self.stop_on is not None and finding.severity >= self.stop_on and finding.kind != "tool":
                self.model.stop_training = True
