"""FD101 nonfinite-data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from fitdoctor.checks import register
from fitdoctor.checks.base import Check
from fitdoctor.checks.context import PreflightContext
from fitdoctor.data import Batch
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.loss import LossProbe

# Affected rows on which the loss and its gradient are measured.
PROBE_ROWS = 64
# Arrays are scanned in blocks of about this many values, to bound the scan's memory.
BLOCK_VALUES = 1 << 22


@dataclass
class Scan:
    """Where the non-finite values of one array are."""

    name: str  # "inputs", "input 1", "input 'age'", "targets", "targets of output 1", ...
    part: str  # "inputs", "targets" or "sample weights"
    key: Any  # the input's index or name, None for a single array
    values: int
    rows: int
    nan: int
    posinf: int
    neginf: int
    affected: np.ndarray  # indices of the rows holding a non-finite value
    columns: dict[int, int]  # 2-D arrays: column -> non-finite values in it
    ndim: int

    @property
    def count(self) -> int:
        return self.nan + self.posinf + self.neginf

    def describe(self) -> str:
        parts = []
        if self.nan:
            parts.append(f"{self.nan} NaN")
        if self.posinf + self.neginf:
            signs = "+Inf" if not self.neginf else "-Inf" if not self.posinf else "Inf"
            parts.append(f"{self.posinf + self.neginf} {signs}")
        return " and ".join(parts)


def _keyed_leaves(structure: Any) -> list[tuple[Any, Any]]:
    """(key, array) for each array of inputs / targets / weights: key None for a single
    array, else the position or name of the model input or output."""
    if structure is None:
        return []
    if isinstance(structure, dict):
        return [(key, value) for key, value in structure.items() if value is not None]
    if isinstance(structure, (list, tuple)):
        if len(structure) == 1:
            return _keyed_leaves(structure[0])
        return [(i, value) for i, value in enumerate(structure) if value is not None]
    return [(None, structure)]


def _named_leaves(structure: Any, part: str) -> list[tuple[str, Any, Any]]:
    """(display name, key, array) for each array of one part of the data."""
    named = []
    for key, value in _keyed_leaves(structure):
        if key is None:
            name = part
        elif part == "inputs":
            name = f"input {key!r}"
        else:
            name = f"{part} of output {key!r}"
        named.append((name, key, value))
    return named


def _as_float_array(value: Any) -> np.ndarray | None:
    """The array's values when they can hold NaN / Inf (floating or complex), else None."""
    if hasattr(value, "select_dtypes") and hasattr(value, "to_numpy"):  # pandas DataFrame
        value = value.select_dtypes(include="number").to_numpy()
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged or exotic containers are not numeric arrays
        return None
    if array.dtype.kind not in "fc" or array.ndim == 0:
        return None
    return array


def scan(name: str, part: str, key: Any, value: Any, rows: int | None) -> Scan | None:
    """The non-finite values of the first `rows` rows of `value`, or None when all are finite
    or the array cannot hold non-finite values."""
    array = _as_float_array(value)
    if array is None:
        return None
    if rows is not None:
        array = array[:rows]
    n = len(array)
    if n == 0:
        return None
    per_row = max(1, int(np.prod(array.shape[1:])))
    block = max(1, BLOCK_VALUES // per_row)
    nan = posinf = neginf = 0
    affected: list[np.ndarray] = []
    column_counts = np.zeros(array.shape[1], dtype=np.int64) if array.ndim == 2 else None
    for start in range(0, n, block):
        chunk = array[start:start + block]
        bad = ~np.isfinite(chunk)
        if not bad.any():
            continue
        values = chunk[bad]
        nan += int(np.isnan(values).sum())
        posinf += int((values == np.inf).sum())
        neginf += int((values == -np.inf).sum())
        affected.append(start + np.flatnonzero(bad.reshape(len(chunk), -1).any(axis=1)))
        if column_counts is not None:
            column_counts += bad.sum(axis=0)
    if not affected:
        return None
    columns = {} if column_counts is None else {
        int(c): int(column_counts[c]) for c in np.flatnonzero(column_counts)}
    return Scan(name, part, key, int(array.size), n, nan, posinf, neginf,
                np.concatenate(affected), columns, array.ndim)


def _take(structure: Any, rows: np.ndarray) -> Any:
    import keras

    if structure is None:
        return None
    return keras.tree.map_structure(lambda a: np.asarray(a)[rows], structure)


def probe_rows(model: Any, x: Any, y: Any, sample_weight: Any, rows: np.ndarray) -> dict | None:
    """The compiled loss and its gradient on the affected rows: whether the non-finite values
    reach the loss or the weights. None when it cannot be measured."""
    if y is None or (getattr(model, "_compile_loss", None) is None and not model.losses):
        return None
    rows = rows[:PROBE_ROWS]
    try:
        probe = LossProbe(model, Batch(_take(x, rows), _take(y, rows), _take(sample_weight, rows)))
        loss, grads = probe.value_and_grad()
    except Exception:  # noqa: BLE001 - the probe is evidence; the scan alone still stands
        return None
    entries = int(sum(np.size(g) for g in grads))
    nonfinite = int(sum(np.size(g) - np.count_nonzero(np.isfinite(g)) for g in grads))
    return {"rows": int(len(rows)), "loss": float(loss), "gradient_entries": entries,
            "gradient_nonfinite": nonfinite}


def _mask_term(var: str, ndim: int, width: int) -> str:
    if ndim <= 1:
        return f"np.isfinite({var})"
    if ndim == 2 and width == 1:
        return f"np.isfinite({var}).ravel()"
    if ndim == 2:
        return f"np.isfinite({var}).all(axis=1)"
    return f"np.isfinite({var}).reshape(len({var}), -1).all(axis=1)"


def _fix(x: Any, y: Any, sample_weight: Any, pipeline: bool) -> Fix:
    terms, names = [], []
    for var, structure in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        leaves = _keyed_leaves(structure)
        if not leaves:
            continue
        names.append(var)
        for key, value in leaves:
            array = _as_float_array(value)
            if array is None:
                continue
            width = array.shape[1] if array.ndim >= 2 else 1
            terms.append(_mask_term(var if key is None else f"{var}[{key!r}]", array.ndim, width))
    code = "mask = " + " & ".join(terms or ["np.isfinite(y)"]) + "\n"
    simple = all(len(_keyed_leaves(s)) <= 1 for s in (x, y, sample_weight))
    if simple:
        code += ", ".join(names) + " = " + ", ".join(f"{n}[mask]" for n in names)
    else:
        code += "x, y = keras.tree.map_structure(lambda a: a[mask], (x, y))"
    summary = ("Drop (or impute) the rows with NaN / Inf values"
               + (" in the pipeline, batch by batch" if pipeline else " before fit()"))
    return Fix(summary, code, "changes-intent")


_WHY = {
    "targets": "A single non-finite target makes its batch's loss non-finite, and that step's "
               "gradient writes NaN into every weight: from then on the model predicts NaN.",
    "sample weights": "The loss is a weighted mean over the batch, so one non-finite weight makes "
                      "the loss of its batch, and the update of every weight, non-finite.",
    "inputs": "A non-finite input makes its sample's pre-activations non-finite. The loss need "
              "not show it (on TensorFlow a ReLU in the compiled training step turns NaN into "
              "0, so the loss stays finite while the model silently collapses to a constant), "
              "but the gradient of the weights that read it is non-finite.",
}


@register
class NonfiniteData(Check):
    """
    What it detects:
        NaN or Inf values in the inputs, the targets or the sample weights passed to fit():
        which array, how many values, in how many rows (and which columns). NumPy arrays are
        scanned whole; a generator, PyDataset or tf.data pipeline is judged on the batches
        sampled. The compiled loss and its gradient are then measured on the affected rows:
        a model that handles the values itself (a layer that imputes NaN, a loss that masks
        them) keeps both finite and is only noted.

    Why it breaks training:
        One NaN target makes the loss of its whole batch NaN, and the update writes NaN into
        every weight; the loss is NaN from then on. NaN inputs need not make the loss NaN:
        on TensorFlow a ReLU turns NaN into 0, so training "runs", but the weights reading
        the NaN get non-finite gradients and the model silently collapses to a constant.

    Example:
        y = df["price"].to_numpy()          # a few missing prices are NaN
        model.fit(x, y)

    Use instead:
        mask = np.isfinite(x).all(axis=1) & np.isfinite(y).ravel()
        x, y = x[mask], y[mask]             # or impute the missing values

    Repair safety:
        changes-intent: dropping or imputing rows changes the data the model learns from.
    """

    code = "FD101"
    needs = "the training arrays, or a sample of the batches"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        data = program.data
        if data.kind == "arrays":
            kwargs = program.fit_kwargs
            x, y, sample_weight = kwargs.get("x"), kwargs.get("y"), kwargs.get("sample_weight")
            rows, complete = data.n_samples, True
        else:
            sample = context.sample
            x, y, sample_weight = sample.x, sample.y, sample.sample_weight
            rows, complete = None, False
        scans = []
        for part, structure in (("inputs", x), ("targets", y), ("sample weights", sample_weight)):
            for name, key, value in _named_leaves(structure, part):
                found = scan(name, part, key, value, rows)
                if found is not None:
                    scans.append(found)
        if not scans:
            return
        batch_size = data.batch_size or 32
        for found in scans:
            yield self._finding(context, found, (x, y, sample_weight), complete, batch_size)

    def _finding(self, context: PreflightContext, found: Scan, arrays: tuple, complete: bool,
                 batch_size: int) -> Finding:
        x, y, sample_weight = arrays
        measured = probe_rows(context.model, x, y, sample_weight, found.affected)
        row_share = len(found.affected) / found.rows
        batches_hit = 1.0 - (1.0 - row_share) ** batch_size
        evidence: dict[str, Any] = {
            "array": found.name, "nonfinite": found.count, "nan": found.nan,
            "inf": found.posinf + found.neginf, "share": found.count / found.values,
            "values": found.values, "rows_affected": int(len(found.affected)), "rows": found.rows,
            "batches_with_one": batches_hit, "batch_size": batch_size,
        }
        if found.columns:
            evidence["columns"] = dict(list(found.columns.items())[:20])
        if not complete:
            evidence["samples"] = found.rows
        where = "" if complete else " sampled"
        columns = ""
        if found.columns and found.part == "inputs" and found.ndim == 2:
            listed = ", ".join(str(c) for c in list(found.columns)[:8])
            columns = f" in column{'s' if len(found.columns) > 1 else ''} {listed}" + \
                ("..." if len(found.columns) > 8 else "")
        label = found.name[0].upper() + found.name[1:]
        verb = "contains" if found.name.startswith("input ") else "contain"
        title = (f"{label} {verb} {found.describe()} value{'s' if found.count > 1 else ''}{columns}: "
                 f"{found.count / found.values:.2%} of values, {len(found.affected)} of "
                 f"{found.rows}{where} rows")
        location = {"input": found.key} if found.part == "inputs" and found.key is not None else {}
        spread = (f"With batches of {batch_size}, about {batches_hit:.0%} of the batches contain "
                  f"such a row.")
        if measured is not None:
            evidence["probe"] = measured
            reached = (not np.isfinite(measured["loss"])) or measured["gradient_nonfinite"] > 0
            probe_text = (f"Measured on {measured['rows']} affected "
                          f"row{'s' if measured['rows'] > 1 else ''}: the loss is "
                          f"{measured['loss']:.4g} and {measured['gradient_nonfinite']} of "
                          f"{measured['gradient_entries']} gradient entries are non-finite.")
            if not reached:
                return Finding(
                    self.code, Severity.INFO,
                    f"{title}; the model keeps the loss and its gradient finite",
                    f"{probe_text} The model or its loss handles these values (imputes or "
                    f"masks them), so they do not reach the weights.",
                    evidence, location,
                    Fix("Nothing to change if the values are meant to be missing", None, "advice"))
        else:
            probe_text = "The loss could not be measured on the affected rows."
        return Finding(
            self.code, Severity.ERROR, title,
            f"{_WHY[found.part]} {probe_text} {spread}",
            evidence, location,
            _fix(x, y, sample_weight, pipeline=not complete))
