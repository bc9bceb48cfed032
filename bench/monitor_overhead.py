"""What the training monitor costs, and how soon fitdoctor establishes a failure.

Alternates, in one process, the same fit with and without `fitdoctor.Monitor` (with a probe
batch, so every measurement runs): (a) a CNN of about 1M parameters on 10k synthetic 32x32x3
images, batch 64, 2 epochs; (b) a tiny MLP with very short steps. Prints the median ratio of
each pair (target: at most 1.05); and (c) a toy full-batch fit of 300 one-step epochs,
the worst case for per-epoch work. Then runs `fitdoctor run --json` on the seed programs in
examples/seeds/ and prints where the first error-level finding was established against the
epochs their authors ran. About 10 minutes on 2 CPU cores; not part of CI.

    .venv/bin/python bench/monitor_overhead.py [--repeats 3] [--skip-seeds]
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

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import fitdoctor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_EPOCHS = {"corner_detector.py": 100, "mean_generator.py": 5, "multiplication_lr.py": 10,
               "rbf_gaussian.py": 1}


def cnn():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10_000, 32, 32, 3)).astype("float32")
    # Learnable labels (a random linear function of the mean colour), so the run is healthy.
    y = (x.mean(axis=(1, 2)) @ rng.standard_normal((3, 10))).argmax(axis=1)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(32, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model, x, y, dict(batch_size=64, epochs=2)


def mlp():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20_000, 16)).astype("float32")
    y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model, x, y, dict(batch_size=32, epochs=10)


def many_epochs():
    """A toy full-batch fit of 300 one-step epochs: the worst case for per-epoch work (the
    monitor judges the loss history after every epoch)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 4)).astype("float32")
    y = (2 * x[:, :1]).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model, x, y, dict(batch_size=200, epochs=300)


def timed(build, monitored: bool) -> tuple[float, float, int]:
    """Wall-clock and process CPU seconds of one fit (the CPU time, summed over all threads,
    is what the monitor adds; it is robust to other processes sharing the machine)."""
    keras.utils.set_random_seed(0)
    model, x, y, kwargs = build()
    model.fit(x[:256], y[:256], batch_size=kwargs["batch_size"], epochs=1, verbose=0)  # compile
    callbacks = [fitdoctor.Monitor(probe=(x[:64], y[:64]))] if monitored else []
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, verbose=0, callbacks=callbacks, **kwargs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, callbacks[0].measurement_count if callbacks else 0


def overhead(name: str, build, repeats: int) -> None:
    walls, cpus, plain_times, measured = [], [], [], []
    for _ in range(repeats):
        plain_wall, plain_cpu, _ = timed(build, False)
        wall, cpu, count = timed(build, True)
        walls.append(wall / plain_wall)
        cpus.append(cpu / plain_cpu)
        plain_times.append(plain_wall)
        measured.append(count)
    print(f"{name}: median ratio wall {statistics.median(walls):.3f} (pairs "
          + ", ".join(f"{r:.3f}" for r in walls) + f"), CPU {statistics.median(cpus):.3f} (pairs "
          + ", ".join(f"{r:.3f}" for r in cpus)
          + f"); fit without monitor {statistics.median(plain_times):.1f}s; measurements per fit {measured}",
          flush=True)


def seeds() -> None:
    print("time to detection (first error-level finding) on the seed programs:")
    for script in sorted((ROOT / "examples" / "seeds").glob("*.py")):
        if script.stem.endswith("_fixed"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            report_path = Path(folder) / "report.json"
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "fitdoctor", "run", "--json", str(report_path), str(script)],
                           cwd=ROOT, capture_output=True, timeout=600)
            seconds = time.perf_counter() - began
            report = json.loads(report_path.read_text()) if report_path.exists() else {"runs": []}
        errors = [f for run in report["runs"] for f in run["findings"] if f["severity"] == "error"]
        first = errors[0] if errors else None
        where = f"{first['code']} at {first['detected_at']}" if first else "no error found"
        print(f"  {script.name}: {where}; the author ran {SEED_EPOCHS.get(script.name, '?')} epoch(s) "
              f"({seconds:.0f}s under fitdoctor)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-seeds", action="store_true")
    args = parser.parse_args()
    print(f"backend {keras.backend.backend()}, {os.cpu_count()} CPUs", flush=True)
    overhead("(a) CNN 1.07M parameters, 10k 32x32x3, batch 64, 2 epochs", cnn, args.repeats)
    overhead("(b) tiny MLP, 20k samples, batch 32, 10 epochs", mlp, args.repeats)
    overhead("(c) toy full-batch MLP, 300 one-step epochs", many_epochs, args.repeats)
    if not args.skip_seeds:
        seeds()


if __name__ == "__main__":
    main()
