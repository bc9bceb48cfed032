"""A sample of the healthy reference corpus (tests/healthy/) WITH training: the monitor must
not report any symptom (FD4xx) at warning or error, nor a cause that developed during
training (`detected_at` other than pre-flight), nor crash (FD901). Ten programs of different
shapes (CNN with BatchNorm and Dropout, GRU with masking, multi-input/multi-output, schedules,
sample weights, a frozen base, plain SGD, a subclassed model, full batch, Huber); about
two minutes on two cores. TensorFlow only in CI, to keep `.ci/run` under 40 minutes (it was run
on JAX and PyTorch by hand when the monitor changed)."""

import pytest

from conftest import ROOT, diagnose_script
from fitdoctor.findings import Severity


SAMPLE = ["cnn_bars_batchnorm_dropout", "embedding_mask_zero_gru", "multi_input_multi_output_dict",
          "lr_cosine_decay_warmup", "sample_weight_heteroscedastic", "frozen_pretrained_base_head",
          "logistic_regression_plain_sgd", "subclassed_model", "full_batch_adam_small_data",
          "regression_huber_outliers"]


@pytest.mark.parametrize("name", SAMPLE)
def test_healthy_program_trains_without_alarms(name):
    path = ROOT / "tests" / "healthy" / f"{name}.py"
    report = diagnose_script(path, preflight_only=False)
    alarms = [(f.code, f.severity.label, f.detected_at, f.title) for f in report.findings()
              if f.severity >= Severity.WARNING and (f.kind == "symptom" or f.detected_at != "preflight")]
    assert not alarms, alarms
    crashes = [f.evidence for f in report.findings() if f.code == "FD901"]
    assert not crashes, crashes
