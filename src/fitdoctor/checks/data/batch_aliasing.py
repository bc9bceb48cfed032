"""FD105 batch-aliasing."""

from __future__ import annotations

from typing import Iterable

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.findings import Finding, Fix, Severity


@register
class BatchAliasing(Check):
    """
    What it detects:
        A generator or `PyDataset` that returns arrays it later overwrites: fitdoctor copies
        batch k as returned, draws batch k+1, and compares. A producer that returns fresh
        arrays, or the same unchanged arrays every time, is fine.

    Why it breaks training:
        When batches are produced ahead of the training step (`PyDataset(workers>1)` threads,
        prefetching pipelines), batch k's buffer is refilled with batch k+1's inputs before
        the step that trains on it, while its targets are fresh arrays: inputs and targets no
        longer belong together and the model learns noise. With batches consumed one at a
        time the bug is latent, until someone adds workers.

    Example:
        def __getitem__(self, i):
            self.x[:] = np.random.randint(0, 100, (64, 2))   # one buffer, refilled
            return self.x, self.x.mean(axis=1, keepdims=True)

    Use instead:
        x = np.random.randint(0, 100, (64, 2))               # a fresh array per batch
        return x, x.mean(axis=1, keepdims=True)

    Repair safety:
        safe: returning a copy changes no values.
    """

    code = "FD105"
    needs = "a generator or PyDataset (two batches are read and replayed)"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        aliasing = context.program.data.aliasing
        if aliasing is None or not aliasing.overwritten:
            return
        parts = " and ".join(aliasing.overwritten)
        if aliasing.prefetching:
            severity = Severity.ERROR
            consequence = (f"{aliasing.producer} prepares batches in threads ahead of the training "
                           f"step, so the {parts} a step trains on were already overwritten by a "
                           f"later batch: inputs and targets no longer match.")
        else:
            severity = Severity.WARNING
            consequence = ("Keras consumes this producer one batch at a time, so the bug is latent "
                           "now, and becomes live as soon as batches are prepared ahead of the "
                           "step (workers, prefetching, tf.data).")
        yield Finding(
            self.code, severity,
            f"The {aliasing.producer} overwrites the {parts} of a batch after returning it",
            f"Batch 0's {parts} changed when batch 1 was drawn: the producer refills one buffer. "
            + consequence,
            {"producer": aliasing.producer, "overwritten": aliasing.overwritten,
             "prefetching": aliasing.prefetching, "batches_compared": 2},
            {"data": aliasing.producer},
            Fix("Allocate a new array for every batch (or return a copy)",
                "return x.copy(), y", "safe"),
        )
