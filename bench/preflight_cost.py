"""What pre-flight costs, measured side by side with what it protects.

1. A CNN of about 1M parameters on 10,000 synthetic 32x32x3 images, batch 64: the wall time
   of `fitdoctor.diagnose` (every check enabled) against one epoch of `model.fit`, alternated
   `--repeats` times in this process; prints the median ratio (target: under 2).
2. The seed programs in examples/seeds/: fitdoctor's own pre-flight time for each, read from
   the JSON report of `fitdoctor run --preflight-only` (target: under 5 s each).

Run from the repository root: .venv/bin/python bench/preflight_cost.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"


def cnn_case(repeats: int) -> list[float]:
    import keras
    import numpy as np

    import fitdoctor

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(10_000, 32, 32, 3)).astype("float32")
    # A learnable label: which quadrant of the image is brightest.
    quadrants = x.reshape(-1, 2, 16, 2, 16, 3).mean(axis=(2, 4, 5)).reshape(-1, 4)
    y = quadrants.argmax(axis=1)

    def build():
        model = keras.Sequential([
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(128, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(128, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(384, activation="relu"),
            keras.layers.Dense(4, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    print(f"CNN: {build().count_params():,} parameters, 10,000 images of 32x32x3, batch 64")
    ratios = []
    for repeat in range(repeats):
        model = build()
        began = time.perf_counter()
        report = fitdoctor.diagnose(model, x, y, batch_size=64, epochs=1)
        preflight = time.perf_counter() - began
        model = build()
        began = time.perf_counter()
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        epoch = time.perf_counter() - began
        ratios.append(preflight / epoch)
        codes = [f.code for f in report.runs[0].findings]
        print(f"  repeat {repeat + 1}: pre-flight {preflight:.2f} s, one epoch {epoch:.2f} s, "
              f"ratio {preflight / epoch:.2f} (findings: {', '.join(codes) or 'none'})")
    return ratios


def seed_times() -> dict[str, float]:
    times = {}
    fitdoctor = Path(sys.executable).with_name("fitdoctor")
    for script in sorted(SEEDS.glob("*.py")):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            subprocess.run([str(fitdoctor), "run", str(script), "--preflight-only", "--fail-on", "never",
                            "--json", str(out)], capture_output=True, cwd=ROOT,
                           env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=600)
            report = json.loads(out.read_text())
        times[script.name] = sum(run["preflight_seconds"] for run in report["runs"])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-seeds", action="store_true")
    args = parser.parse_args()
    import keras

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, {os.cpu_count()} CPU cores")
    ratios = cnn_case(args.repeats)
    print(f"median pre-flight / epoch ratio: {statistics.median(ratios):.2f} (target < 2)")
    if not args.skip_seeds:
        print("seed programs, fitdoctor's pre-flight time (target < 5 s):")
        for name, seconds in seed_times().items():
            print(f"  {name:32s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
