"""The HTML view's plots, drawn with matplotlib (no pyplot, no GUI) from the report's JSON dict and
returned as inline SVG (text kept as text, ids fixed, no date: the same dict always gives the
same bytes). A plot whose data the report does not hold is None.

Run plots: the loss (per epoch, with a marker where each symptom was detected; per step of
pre-flight's short run on a copy), per-layer gradient norms (log scale), predictions against
targets, and one loss curve before and after per repair. Finding plots draw a finding's own
evidence: FD301 curvature against the stability limit, FD104 class counts, FD102 the feature's
range against unit scale, FD302 the progress the budget buys.
"""

from __future__ import annotations

import io
import math
from typing import Any, Callable

import matplotlib
# A Figure made directly draws with Agg / the SVG writer and never touches pyplot's backend,
# so a notebook's inline plots are left as they are.
from matplotlib.figure import Figure

_RC = {"svg.fonttype": "none", "svg.hashsalt": "fitdoctor", "font.size": 9, "axes.titlesize": 10,
       "axes.spines.top": False, "axes.spines.right": False}
_BLUE, _RED, _GREY, _GREEN, _ORANGE = "#1f77b4", "#c62828", "#9e9e9e", "#2e7d32", "#ef6c00"
_SEVERITY_COLOUR = {"error": _RED, "warning": _ORANGE, "info": _GREY}


def _numbers(values: list[Any]) -> list[float]:
    """JSON floats, with the strings "nan" / "inf" the JSON view writes for non-finite ones."""
    return [float(v) for v in values]


def _svg(draw: Callable[[Figure], None], size: tuple[float, float] = (5.2, 3.0)) -> str:
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=size, layout="constrained")
        draw(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Inline in HTML: no XML prolog or doctype; its natural size, shrunk to fit the page.
    return text[text.index("<svg"):].replace("<svg ", '<svg class="plot" ', 1)


def _log_if_wide(axes: Any, values: list[float]) -> None:
    positive = [v for v in values if math.isfinite(v) and v > 0]
    if positive and len(positive) == len([v for v in values if math.isfinite(v)]) \
            and max(positive) / min(positive) > 100:
        axes.set_yscale("log")


def _epoch(detected_at: str) -> int | None:
    words = detected_at.split()
    return int(words[1]) if len(words) == 2 and words[0] == "epoch" and words[1].isdigit() else None


# -- run plots -------------------------------------------------------------------------------

def loss(run: dict[str, Any]) -> str | None:
    epochs = _numbers(run["history"]["loss"])
    steps = _numbers(run.get("traces", {}).get("preflight_losses", []))
    if not epochs and not steps:
        return None
    initial = run.get("initial_loss")

    def draw(figure: Figure) -> None:
        panels = figure.subplots(1, 2 if epochs and steps else 1, squeeze=False)[0]
        if epochs:
            axes = panels[0]
            xs = list(range(1, len(epochs) + 1))
            if isinstance(initial, (int, float)):
                xs, ys = [0, *xs], [float(initial), *epochs]
            else:
                ys = epochs
            finite = [(x, y) for x, y in zip(xs, ys) if math.isfinite(y)]
            axes.plot([x for x, _ in finite], [y for _, y in finite], marker="o", markersize=3, color=_BLUE)
            _log_if_wide(axes, ys)
            for finding in run["findings"]:
                at = _epoch(finding.get("detected_at") or "")
                if at is None:
                    continue
                colour = _SEVERITY_COLOUR.get(finding["severity"], _GREY)
                axes.axvline(at, color=colour, linestyle="--", linewidth=1)
                axes.annotate(finding["code"], (at, 1.0), xycoords=("data", "axes fraction"), color=colour,
                              rotation=90, va="top", ha="right", fontsize=8)
            axes.set(title="loss per epoch (0: before training)", xlabel="epoch", ylabel="loss")
        if steps:
            axes = panels[-1]
            xs = list(range(1, len(steps) + 1))
            axes.plot(xs, steps, marker=".", markersize=3, color=_GREY if epochs else _BLUE)
            _log_if_wide(axes, steps)
            axes.set(title="pre-flight: a short run on a copy", xlabel="step (your optimizer)",
                     ylabel="mini-batch loss")

    return _svg(draw, (7.5, 3.0) if epochs and steps else (5.2, 3.0))


def gradient_norms(run: dict[str, Any]) -> str | None:
    measurements = run.get("traces", {}).get("gradient_norms", [])
    if not measurements or not any(m["layers"] for m in measurements):
        return None
    names = [name for name, _ in max(measurements, key=lambda m: len(m["layers"]))["layers"]]

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        positives = [float(norm) for m in measurements for _, norm in m["layers"]
                     if math.isfinite(float(norm)) and float(norm) > 0]
        floor = min(positives) / 10 if positives else 1e-12
        colours = matplotlib.colormaps["viridis"]
        for index, measurement in enumerate(measurements):
            position = {name: i for i, name in enumerate(names)}
            xs = [position.get(name, i) for i, (name, _) in enumerate(measurement["layers"])]
            ys = [float(norm) for _, norm in measurement["layers"]]
            colour = _BLUE if measurement["at"] == "preflight" else \
                colours(0.3 + 0.6 * index / max(len(measurements) - 1, 1))
            shown = [max(y, floor) if math.isfinite(y) else float("nan") for y in ys]
            axes.plot(xs, shown, marker="o", markersize=4, color=colour,
                      label="start" if measurement["at"] == "preflight" else measurement["at"])
            zero = [(x, floor) for x, y in zip(xs, ys) if y == 0]
            if zero:
                axes.plot(*zip(*zero), linestyle="none", marker="x", markersize=8, color=_RED)
        axes.set_yscale("log")
        axes.set_xticks(range(len(names)), [_short(name) for name in names],
                        rotation=30 if len(names) > 3 else 0, ha="right" if len(names) > 3 else "center")
        axes.set(title="gradient norm per layer (input side first; x: zero)", ylabel="||gradient||")
        if len(measurements) > 1:
            axes.legend(fontsize=7, ncols=2 if len(measurements) > 6 else 1)

    return _svg(draw, (5.2, 3.2))


def _short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[:width - 1] + "\u2026"


def predictions(run: dict[str, Any]) -> str | None:
    samples = run.get("traces", {}).get("predictions", {})
    panels = [(key, samples[key]) for key in ("preflight", "latest") if key in samples]
    if not panels:
        return None

    def draw(figure: Figure) -> None:
        grid = figure.subplots(1, len(panels), squeeze=False)[0]
        for axes, (key, sample) in zip(grid, panels):
            y_pred, y_true = _numbers(sample["predictions"]), _numbers(sample["targets"])
            title = "at the start" if key == "preflight" else f"at {sample['at']}"
            if len(y_pred) == len(y_true):
                axes.scatter(y_true, y_pred, s=8, alpha=0.6, color=_BLUE)
                finite = [v for v in y_true + y_pred if math.isfinite(v)]
                if finite:
                    low, high = min(finite), max(finite)
                    axes.plot([low, high], [low, high], color=_GREY, linewidth=1, linestyle=":")
                axes.set(xlabel="target", ylabel="prediction")
            else:
                axes.hist([[v for v in y_true if math.isfinite(v)], [v for v in y_pred if math.isfinite(v)]],
                          bins=20, label=["targets", "predictions"], color=[_GREY, _BLUE])
                axes.legend(fontsize=7)
                axes.set(xlabel="value", ylabel="count")
            axes.set_title(f"predictions against targets, {title} ({sample['samples']} samples)", fontsize=8)

    return _svg(draw, (7.5, 3.0) if len(panels) == 2 else (5.2, 3.0))


def repair(entry: dict[str, Any]) -> str | None:
    curves = [(label, _numbers(((entry.get(part) or {}).get("history") or {}).get("loss") or []))
              for label, part in (("before", "before"), ("after", "after"))]
    if not any(values for _, values in curves):
        return None

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        for (label, values), colour in zip(curves, (_RED, _GREEN)):
            if values:
                axes.plot(range(1, len(values) + 1), values, marker="o", markersize=3, color=colour, label=label)
        _log_if_wide(axes, [v for _, values in curves for v in values])
        axes.set(title=f"loss before and after: {', '.join(entry.get('fixes', []))}", xlabel="epoch",
                 ylabel="loss")
        axes.legend(fontsize=7)

    return _svg(draw, (5.2, 2.8))


# -- finding plots ---------------------------------------------------------------------------

def _curvature(finding: dict[str, Any]) -> str | None:
    evidence = finding["evidence"]
    if "largest_eigenvalue" not in evidence or "curvature_bound" not in evidence:
        return None
    curvature, bound = float(evidence["largest_eigenvalue"]), float(evidence["curvature_bound"])

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        axes.barh([1, 0], [curvature, bound], color=[_RED if curvature >= bound else _GREEN, _GREY])
        axes.set_yticks([1, 0], ["largest curvature", f"stable limit at rate {evidence.get('learning_rate')}"])
        for y, value in ((1, curvature), (0, bound)):
            axes.annotate(f"{value:.3g}", (value, y), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set(title="loss curvature against the optimizer's stability limit", xlabel="curvature")

    return _svg(draw, (5.2, 1.9))


def _class_counts(finding: dict[str, Any]) -> str | None:
    counts = finding["evidence"].get("class_counts")
    if not isinstance(counts, dict) or not counts:
        return None

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        labels = list(counts)
        values = [float(counts[label]) for label in labels]
        axes.bar(range(len(labels)), values, color=_BLUE)
        axes.set_xticks(range(len(labels)), [_short(str(label), 8) for label in labels])
        if max(values) / max(min(values), 1) > 20:
            axes.set_yscale("log")
        for x, value in enumerate(values):
            axes.annotate(f"{value:g}", (x, value), xytext=(0, 2), textcoords="offset points", ha="center",
                          fontsize=8)
        axes.set(title=f"samples per class ({finding['evidence'].get('samples', sum(values)):g} measured)",
                 xlabel="class", ylabel="samples")

    return _svg(draw, (5.2, 2.6))


def _feature_scale(finding: dict[str, Any]) -> str | None:
    evidence = finding["evidence"]
    if not all(key in evidence for key in ("min", "max", "mean", "std")):
        return None
    low, high, mean, std = (float(evidence[key]) for key in ("min", "max", "mean", "std"))

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        axes.axvspan(-1, 1, color=_GREEN, alpha=0.15, label="unit scale [-1, 1]")
        axes.plot([low, high], [0, 0], color=_GREY, linewidth=2, label="min .. max")
        axes.plot([mean - std, mean + std], [0, 0], color=_ORANGE, linewidth=8, label="mean \u00b1 std")
        axes.set_yticks([])
        axes.legend(fontsize=7, loc="upper right")
        axes.set(title=f"input {evidence.get('input')}, feature {evidence.get('feature')}: its values",
                 xlabel="value")

    return _svg(draw, (5.2, 1.8))


def _budget_progress(finding: dict[str, Any]) -> str | None:
    evidence = finding["evidence"]
    if not all(key in evidence for key in ("initial_loss", "decrease_per_step", "steps")):
        return None
    start, per_step, steps = (float(evidence[key]) for key in ("initial_loss", "decrease_per_step", "steps"))
    halve = float(evidence.get("steps_to_halve_loss") or 0)

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        end = max(steps, halve)
        axes.plot([0, end], [start, max(start - per_step * end, 0)], color=_BLUE, linestyle=":",
                  label="first-order prediction")
        axes.axvline(steps, color=_RED, linewidth=1, label=f"your budget: {steps:g} steps")
        axes.axhline(start / 2, color=_GREY, linewidth=1, linestyle="--", label="half the starting loss")
        axes.legend(fontsize=7)
        axes.set(title="the progress the budget buys at this rate", xlabel="step", ylabel="loss")

    return _svg(draw, (5.2, 2.6))


# The plot that shows a finding's own evidence, by code.
FINDING_PLOTS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "FD301": _curvature, "FD104": _class_counts, "FD102": _feature_scale, "FD302": _budget_progress,
}


def finding(entry: dict[str, Any]) -> str | None:
    draw = FINDING_PLOTS.get(entry["code"])
    return draw(entry) if draw else None
