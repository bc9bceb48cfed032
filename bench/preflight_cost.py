"""What pre-flight costs, measured side by side with what it protects.

1. A CNN of about 1M parameters on 10,000 synthetic 32x32x3 images, batch 64: the wall time
   of `fitdoctor.diagnose` (every check enabled) against one epoch of `model.fit`, alternated
   `--repeats` times in this process; prints the median ratio (target: at most 1).
2. A CNN of about 38M parameters (200x200x3 images, Flatten into Dense(128)) on 100 images,
   batch 32, 5 epochs: the same ratio (target: at most 1), and what pre-flight shortened.
3. The seed programs in examples/seeds/: fitdoctor's own pre-flight time for each, read from
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
    return alternate(build, x, y, batch_size=64, epochs=1, repeats=repeats)


def large_cnn_case(repeats: int) -> list[float]:
    """The shape of a real report: a Flatten of a large feature map into a Dense layer, so
    almost every parameter is in one kernel, trained on a handful of images."""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(100, 200, 200, 3)).astype("float32")
    # A learnable label: whether the top half of the image is brighter than the bottom.
    y = (x[:, :100].mean(axis=(1, 2, 3)) > x[:, 100:].mean(axis=(1, 2, 3))).astype("float32")

    def build():
        model = keras.Sequential([
            keras.Input((200, 200, 3)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        return model

    print(f"large CNN: {build().count_params():,} parameters, 100 images of 200x200x3, batch 32, "
          f"5 epochs")
    return alternate(build, x, y, batch_size=32, epochs=5, repeats=repeats)


def alternate(build, x, y, batch_size: int, epochs: int, repeats: int) -> list[float]:
    """Pre-flight of a run of `epochs` epochs against the first epoch of that run (which
    compiles, as the user's does), each on a fresh model, `repeats` times."""
    import fitdoctor

    ratios = []
    for repeat in range(repeats):
        model = build()
        began = time.perf_counter()
        report = fitdoctor.diagnose(model, x, y, batch_size=batch_size, epochs=epochs)
        preflight = time.perf_counter() - began
        model = build()
        began = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
        epoch = time.perf_counter() - began
        ratios.append(preflight / epoch)
        findings = report.runs[0].findings
        codes = [f.code for f in findings]
        print(f"  repeat {repeat + 1}: pre-flight {preflight:.2f} s, one epoch {epoch:.2f} s, "
              f"ratio {preflight / epoch:.2f} (findings: {', '.join(codes) or 'none'})")
        for finding in findings:
            if finding.code == "FD902":
                for code, why in finding.evidence["skipped"].items():
                    print(f"    skipped {code}: {why}")
            elif "shortened" in finding.evidence:
                print(f"    {finding.code} shortened: {finding.evidence['shortened']}")
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
    parser.add_argument("--cases", default="cnn,large", help="cnn, large or both (comma-separated)")
    args = parser.parse_args()
    import keras

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, {os.cpu_count()} CPU cores")
    cases = {"cnn": cnn_case, "large": large_cnn_case}
    for name in args.cases.split(","):
        ratios = cases[name](args.repeats)
        print(f"{name}: median pre-flight / epoch ratio: {statistics.median(ratios):.2f} (target <= 1)")
    if not args.skip_seeds:
        print("seed programs, fitdoctor's pre-flight time (target < 5 s):")
        for name, seconds in seed_times().items():
            print(f"  {name:32s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
