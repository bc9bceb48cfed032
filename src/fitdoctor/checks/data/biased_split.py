"""FD108 biased-split."""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
from scipy import stats

from fitdoctor.checks import register
from fitdoctor.checks.base import Check, Unsupported
from fitdoctor.checks.context import PreflightContext
from fitdoctor.checks.targets import profile
from fitdoctor.findings import Finding, Fix, Severity

# A class is "missing" from a split only when that split would hold at least this many of
# its samples under an unbiased split: the chance of missing it by luck is then below
# exp(-5) < 1%.
MIN_EXPECTED = 5.0
# Shares of the samples that belong to classes the other split lacks.
ERROR_SHARE = 0.5
WARNING_SHARE = 0.1
# Two splits of one dataset drawn without bias differ by chance alone with probability below
# this; the effect must also be large (total variation / Kolmogorov-Smirnov distance).
P_VALUE = 1e-6
LARGE_DISTANCE = 0.3
# Targets in this share of neighbouring pairs in non-decreasing order: the data are sorted.
SORTED_SHARE = 0.99


@register
class BiasedSplit(Check):
    """
    What it detects:
        Validation data that cannot measure the training task. With `validation_split`,
        Keras takes the LAST samples as validation, before any shuffling: on data ordered by
        label the validation set holds classes training never sees (or only one class), and
        on data sorted by target value it holds only the largest targets. With
        `validation_data`, classes that training has and validation lacks. A class counts
        as missing only when an unbiased split would give it at least 5 samples there; a
        shifted class mix must pass a chi-square test at p < 1e-6 with a total variation
        distance of at least 0.3.

    Why it breaks training:
        Training itself may go well, but every validation number is meaningless: accuracy on
        classes the model was never trained on is zero, so `val_loss` climbs from the first
        epoch, early stopping fires at once, checkpoints keep the wrong weights, and the user
        concludes the model overfits or does not learn. With `validation_split` on sorted
        data the training set also loses whole classes.

    Example:
        x, y = load_sorted_by_label()                 # y = [0, 0, ..., 1, 1, ..., 2, 2]
        model.fit(x, y, validation_split=0.2)         # validation = class 2 only

    Use instead:
        perm = np.random.default_rng(0).permutation(len(x))
        model.fit(x[perm], y[perm], validation_split=0.2)

    Repair safety:
        safe: shuffling before the split keeps the program's intent.
    """

    code = "FD108"
    needs = "array targets with validation_split, or array validation_data"

    def run(self, context: PreflightContext) -> Iterable[Finding]:
        program = context.program
        kwargs = program.fit_kwargs
        split = float(kwargs.get("validation_split") or 0.0)
        validation = kwargs.get("validation_data")
        if split and program.data.kind == "arrays":
            yield from self._judge_split(context, split)
        elif validation is not None:
            targets = _validation_targets(validation)
            if targets is None:
                raise Unsupported(f"validation_data of type {type(validation).__name__} is not read")
            yield from self._judge_given(context, targets)

    def _judge_split(self, context: PreflightContext, split: float) -> Iterable[Finding]:
        import keras

        program = context.program
        leaves = [np.asarray(y) for y in keras.tree.flatten(program.fit_kwargs.get("y"))]
        for index, y in enumerate(leaves):
            at = int(math.floor(len(y) * (1.0 - split)))
            train, held_out = y[:at], y[at:]
            if len(train) == 0 or len(held_out) == 0:
                continue
            loss = program.losses[min(index, len(program.losses) - 1)]
            verdict = _compare(train, held_out, loss, both_ways=True)
            if verdict is None:
                continue
            yield self._finding(verdict, index, len(leaves), split=split)

    def _judge_given(self, context: PreflightContext, targets: list[np.ndarray]) -> Iterable[Finding]:
        from fitdoctor.checks.target_values import training_targets

        program = context.program
        train_leaves = training_targets(context).leaves
        for index, (train, held_out) in enumerate(zip(train_leaves, targets)):
            loss = program.losses[min(index, len(program.losses) - 1)]
            if len(held_out) == 0:
                continue
            # Validation may deliberately hold classes training lacks (open-set evaluation);
            # only classes it lacks, and a shifted mix, make its numbers misleading.
            verdict = _compare(train, held_out, loss, both_ways=False)
            if verdict is None:
                continue
            yield self._finding(verdict, index, len(train_leaves), split=None)

    def _finding(self, verdict: "_Verdict", index: int, outputs: int, split: float | None) -> Finding:
        origin = (f"validation_split={split:g} takes the last {verdict.held_out_samples} samples"
                  if split else "validation_data")
        fix = (Fix("Shuffle the arrays once before fit(), so the split takes a random subset",
                   "perm = np.random.default_rng(0).permutation(len(x))\n"
                   f"model.fit(x[perm], y[perm], validation_split={split:g}, ...)", "safe")
               if split else
               Fix("Draw validation data from the same distribution as training, e.g. a stratified split",
                   "from sklearn.model_selection import train_test_split\n"
                   "x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=0.2, stratify=y)",
                   "changes-intent"))
        return Finding(
            self.code, verdict.severity,
            f"{origin}: {verdict.title}",
            f"{verdict.detail} Validation loss and accuracy then measure something other than "
            f"the training task: they stay poor or climb from the first epoch, and early "
            f"stopping or checkpointing on them picks the wrong weights.",
            {**verdict.evidence, "training_samples": verdict.train_samples,
             "validation_samples": verdict.held_out_samples},
            {"output": index} if outputs > 1 else {},
            fix,
        )


class _Verdict:
    def __init__(self, severity: Severity, title: str, detail: str, evidence: dict,
                 train_samples: int, held_out_samples: int) -> None:
        self.severity, self.title, self.detail, self.evidence = severity, title, detail, evidence
        self.train_samples, self.held_out_samples = train_samples, held_out_samples


def _validation_targets(validation: Any) -> list[np.ndarray] | None:
    import keras

    if not isinstance(validation, (tuple, list)) or len(validation) < 2:
        return None
    try:
        return [np.asarray(y) for y in keras.tree.flatten(validation[1])]
    except (TypeError, ValueError):
        return None


def _class_ids(y: np.ndarray, kind: str) -> np.ndarray:
    if kind == "onehot":
        return y.reshape(-1, y.shape[-1]).argmax(axis=1)
    if kind == "binary":
        return np.round(y.reshape(-1)).astype(np.int64)
    return y.reshape(len(y), -1)[:, 0].astype(np.int64)


def _compare(train: np.ndarray, held_out: np.ndarray, loss, both_ways: bool) -> _Verdict | None:
    kind = profile(np.concatenate([train, held_out]), loss).kind
    if kind in ("sparse", "onehot", "binary"):
        return _compare_classes(_class_ids(train, kind), _class_ids(held_out, kind), both_ways)
    if kind == "regression" and both_ways and train.ndim <= 2 and train.size == len(train):
        return _compare_sorted(train.reshape(-1), held_out.reshape(-1))
    return None


def _compare_classes(train: np.ndarray, held_out: np.ndarray, both_ways: bool) -> _Verdict | None:
    classes = np.union1d(train, held_out)
    n_train, n_held = len(train), len(held_out)
    train_counts = np.array([(train == c).sum() for c in classes])
    held_counts = np.array([(held_out == c).sum() for c in classes])
    pooled = (train_counts + held_counts) / (n_train + n_held)
    missing_held = [int(c) for c, t, h, p in zip(classes, train_counts, held_counts, pooled)
                    if t > 0 and h == 0 and p * n_held >= MIN_EXPECTED]
    missing_train = [int(c) for c, t, h, p in zip(classes, train_counts, held_counts, pooled)
                     if both_ways and h > 0 and t == 0 and p * n_train >= MIN_EXPECTED]
    evidence = {"training_class_counts": _counts(classes, train_counts),
                "validation_class_counts": _counts(classes, held_counts)}
    unseen_share = sum(held_counts[classes == c][0] for c in missing_train) / n_held
    absent_share = sum(train_counts[classes == c][0] for c in missing_held) / n_train
    present = int((held_counts > 0).sum())
    if missing_train and unseen_share >= WARNING_SHARE:
        severity = Severity.ERROR if unseen_share >= ERROR_SHARE else Severity.WARNING
        return _Verdict(
            severity, f"{unseen_share:.0%} of the validation samples are of classes training never sees "
            f"({_names(missing_train)})",
            f"Class{'es' if len(missing_train) > 1 else ''} {_names(missing_train)} appear only in the "
            f"validation samples ({_share(held_counts, classes, missing_train, n_held)}); the model "
            f"cannot learn {'them' if len(missing_train) > 1 else 'it'}.",
            {**evidence, "classes_only_in_validation": missing_train, "unseen_share": unseen_share},
            n_train, n_held)
    if missing_held and (absent_share >= WARNING_SHARE or present == 1):
        severity = Severity.ERROR if absent_share >= ERROR_SHARE or present == 1 else Severity.WARNING
        return _Verdict(
            severity, f"validation lacks class{'es' if len(missing_held) > 1 else ''} "
            f"{_names(missing_held)} ({absent_share:.0%} of the training samples)",
            f"The validation samples hold {present} of {len(classes)} classes; an unbiased split "
            f"would give each missing class at least {MIN_EXPECTED:g} of them.",
            {**evidence, "classes_missing_from_validation": missing_held, "missing_share": absent_share},
            n_train, n_held)
    observed = np.vstack([train_counts, held_counts])
    observed = observed[:, observed.sum(axis=0) > 0]
    if observed.shape[1] < 2:
        return None
    p_value = float(stats.chi2_contingency(observed)[1])
    distance = 0.5 * float(np.abs(train_counts / n_train - held_counts / n_held).sum())
    if p_value < P_VALUE and distance >= LARGE_DISTANCE:
        return _Verdict(
            Severity.WARNING, f"the class mix differs from training's (total variation {distance:.2f})",
            f"Training and validation class frequencies differ by a total variation distance of "
            f"{distance:.2f} (chi-square p = {p_value:.2g}): the data are ordered by label.",
            {**evidence, "total_variation": distance, "p_value": p_value}, n_train, n_held)
    return None


def _compare_sorted(train: np.ndarray, held_out: np.ndarray) -> _Verdict | None:
    values = np.concatenate([train, held_out]).astype(np.float64)
    if not np.isfinite(values).all() or np.ptp(values) == 0:
        return None
    ordered = float((np.diff(values) >= 0).mean())
    ordered = max(ordered, float((np.diff(values) <= 0).mean()))
    result = stats.ks_2samp(train, held_out)
    if ordered < SORTED_SHARE or result.pvalue >= P_VALUE or result.statistic < LARGE_DISTANCE:
        return None
    return _Verdict(
        Severity.ERROR if result.statistic >= 0.9 else Severity.WARNING,
        f"the targets are sorted, so validation holds only values from "
        f"{held_out.min():.4g} to {held_out.max():.4g}",
        f"{ordered:.0%} of neighbouring targets are in order; training covers "
        f"{train.min():.4g}..{train.max():.4g} and validation {held_out.min():.4g}..{held_out.max():.4g} "
        f"(Kolmogorov-Smirnov distance {result.statistic:.2f}): validation asks the model to "
        f"extrapolate beyond every target it trained on.",
        {"ordered_share": ordered, "ks_distance": float(result.statistic), "p_value": float(result.pvalue),
         "training_range": [float(train.min()), float(train.max())],
         "validation_range": [float(held_out.min()), float(held_out.max())]},
        len(train), len(held_out))


def _counts(classes: np.ndarray, counts: np.ndarray) -> dict[int, int]:
    return {int(c): int(n) for c, n in zip(classes, counts)}


def _names(classes: list[int]) -> str:
    shown = ", ".join(str(c) for c in classes[:8])
    return shown + (f" and {len(classes) - 8} more" if len(classes) > 8 else "")


def _share(counts: np.ndarray, classes: np.ndarray, chosen: list[int], total: int) -> str:
    count = int(sum(counts[classes == c][0] for c in chosen))
    return f"{count} of {total} validation samples"
