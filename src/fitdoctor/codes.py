"""The stable finding codes (the table in shared/docs/codes.md).

A code is never reused for something else. Severity is not part of a code: it follows the
measured magnitude of each finding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    meaning: str

    @property
    def kind(self) -> str:
        """`cause` (FD1xx-FD3xx), `symptom` (FD4xx) or `tool` (FD9xx)."""
        family = self.code[2]
        if family == "4":
            return "symptom"
        if family == "9":
            return "tool"
        return "cause"


_TABLE = [
    ("FD101", "nonfinite-data", "NaN or Inf in inputs, targets or sample weights"),
    ("FD102", "unscaled-inputs", "input features far from unit scale or far from centred"),
    ("FD103", "unscaled-targets", "regression targets far from unit scale, so the output layer must produce large values"),
    ("FD104", "class-imbalance", "the rarest class is so rare that a constant prediction reaches a low loss"),
    ("FD105", "batch-aliasing", "a generator / PyDataset returns arrays that share memory across batches and are overwritten after being returned"),
    ("FD106", "label-encoding", "labels do not fit the loss"),
    ("FD107", "no-label-signal", "inputs and targets are unrelated as given"),
    ("FD108", "biased-split", "validation data that cannot represent the training task"),
    ("FD201", "loss-broadcast", "y_pred and y_true have shapes that the loss broadcasts to a larger tensor, so each prediction is compared with other samples' targets"),
    ("FD202", "activation-loss-mismatch", "the output activation does not fit the loss"),
    ("FD203", "shape-contract", "a custom layer's compute_output_shape disagrees with what its call returns"),
    ("FD204", "disconnected-weights", "trainable weights get no gradient"),
    ("FD205", "batch-coupling", "a sample's output depends on other samples of its batch outside layers meant to do that"),
    ("FD206", "dead-units", "units whose output gradient is zero on all the data"),
    ("FD207", "output-range", "the output activation cannot reach the targets"),
    ("FD301", "lr-too-high", "the learning rate exceeds the stability bound set by the loss curvature, or the loss diverged"),
    ("FD302", "lr-too-low", "the learning rate, or the number of optimizer steps, is far too small to make progress in the budget given"),
    ("FD303", "vanishing-gradients", "gradients shrink by orders of magnitude towards the input layers"),
    ("FD304", "exploding-gradients", "gradients grow by orders of magnitude or become non-finite"),
    ("FD305", "bad-initialisation", "the initial loss is far from what a sane initialisation gives"),
    ("FD401", "loss-nonfinite", "the loss became NaN or Inf"),
    ("FD402", "loss-diverging", "the loss grows steadily"),
    ("FD403", "loss-stalled", "the loss stops decreasing far above what the model can reach"),
    ("FD404", "loss-oscillating", "the loss swings without trending down"),
    ("FD405", "constant-predictions", "the model predicts (nearly) the same output for every input"),
    ("FD406", "weights-frozen", "trainable weights do not change between steps"),
    ("FD901", "check-error", "a check raised an exception; reported, never propagated into training"),
    ("FD902", "unsupported", "a program shape a check cannot analyse yet"),
]

CODES: dict[str, Code] = {code: Code(code, name, meaning) for code, name, meaning in _TABLE}


def matches(code: str, patterns: tuple[str, ...]) -> bool:
    """Whether `code` is named by any of `patterns` (full codes or prefixes such as `FD2`)."""
    return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())


def explanation(code: str) -> str:
    """What `fitdoctor explain CODE` prints: the code's meaning and its check's documentation."""
    import inspect

    from fitdoctor.checks import REGISTRY

    entry = CODES[code]
    check = REGISTRY.get(code)
    documentation = inspect.cleandoc(type(check).__doc__ or "") if check else "No check reports this code yet."
    return f"{entry.code} {entry.name} ({entry.kind})\n\n{entry.meaning}\n\n{documentation}"
