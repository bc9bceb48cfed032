"""What pre-flight costs in memory on a larger model: the probes sub-sample the data
(data.SAMPLE_CAP, context.PROBE_SAMPLES / ACTIVATION_SAMPLES) and bound the curvature
probe, so a ~5.3M-parameter MLP with a 4096-sample batch stays under a fixed peak-RSS
growth (the bound the README states). Measured in a fresh process (peak RSS only grows)."""

import json
import os
import subprocess
import sys

from conftest import PROGRAMS

PEAK_GROWTH_MIB = 1024


def test_preflight_on_a_5m_parameter_model_stays_within_the_memory_bound():
    environment = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([sys.executable, PROGRAMS / "shapes" / "large_model_memory.py"], env=environment,
                            timeout=600, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["parameters"] > 5_000_000
    assert measured["peak_growth_mib"] < PEAK_GROWTH_MIB, measured
