"""Run a training program unmodified with the baselines' callbacks attached to every fit().

    python bench/baselines/inject.py --out FLAGS.json PROGRAM [PROGRAM_ARGS...]

The program runs as ``python PROGRAM ARGS`` would (runpy, ``__name__ == "__main__"``, same
``sys.argv``, its folder first on ``sys.path``). ``keras.Model.fit`` is patched to append one
AUTOTRAINER and one UMLAUT callback (both on the same plain fit, so one run serves both
baselines); nothing else about the call changes. The callbacks only read logs, weights and one
fixed batch (gradients in inference mode, non-trainable state restored), so the program trains
exactly as it would without them, with one exception: when the training data is a shuffled
``tf.data.Dataset``, taking its first batch opens one extra iterator, which advances the
dataset's shuffle seed (the order of later epochs differs, not the data). A Python generator is
wrapped in a pass-through that records the batch Keras itself draws first; a PyDataset's first
batch is read once with the global numpy/random states saved and restored around it.

Writes FLAGS.json: each baseline's flags over the whole program, in the order they fired
(``{"autotrainer": {"flags": [...]}, "umlaut": {...}, "runs": [...], "exit_code": N}``).
"""
import atexit
import inspect
import json
import os
import random
import runpy
import sys
import time
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import keras  # noqa: E402

from autotrainer import AutoTrainerMonitor  # noqa: E402
from umlaut import UmlautMonitor  # noqa: E402

sys.path.remove(HERE)

SAMPLE_MAX = 256


class Holder:
    """What the callbacks may read of the training data (filled eagerly or lazily)."""

    def __init__(self):
        self.inputs = None   # arrays for UMLAUT's input checks
        self.sample = None   # (x, y) fixed batch for AUTOTRAINER's gradients


def _slice(data, n):
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _slice(v, n) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(_slice(v, n) for v in data)
    return data[:n]


def _split_batch(batch):
    if isinstance(batch, (list, tuple)) and len(batch) in (2, 3):
        return batch[0], batch[1]
    return batch, None


def _is_array_like(x):
    if isinstance(x, dict):
        return all(_is_array_like(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(_is_array_like(v) for v in x)
    return hasattr(x, "shape") and hasattr(x, "__getitem__") and not _is_tf_dataset(x)


def _is_tf_dataset(x):
    return type(x).__module__.startswith("tensorflow") and hasattr(x, "element_spec")


def _prepare(bound, holder):
    """Fill ``holder`` from fit's x/y; may return a replacement x (generator pass-through)."""
    x = bound.arguments.get("x")
    y = bound.arguments.get("y")
    batch_size = bound.arguments.get("batch_size") or 32
    n = min(int(batch_size), SAMPLE_MAX)
    if x is None:
        return None
    if _is_array_like(x):
        holder.inputs = x
        holder.sample = (_slice(x, n), _slice(y, n))
        return None
    if _is_tf_dataset(x):
        for batch in x.take(1):
            bx, by = _split_batch(batch)
            holder.inputs, holder.sample = bx, (bx, by)
        return None
    if isinstance(x, keras.utils.PyDataset):
        np_state, py_state = np.random.get_state(), random.getstate()
        try:
            bx, by = _split_batch(x[0])
            holder.inputs, holder.sample = bx, (bx, by)
        finally:
            np.random.set_state(np_state)
            random.setstate(py_state)
        return None
    if isinstance(x, types.GeneratorType) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        def passthrough(source):
            first = True
            for item in source:
                if first:
                    bx, by = _split_batch(item)
                    holder.inputs, holder.sample = bx, (bx, by)
                    first = False
                yield item
        return passthrough(x)
    return None


class LazyAutoTrainer(AutoTrainerMonitor):
    def __init__(self, holder, **kwargs):
        super().__init__(**kwargs)
        self.holder = holder

    def on_epoch_end(self, epoch, logs=None):
        self.sample = self.holder.sample
        super().on_epoch_end(epoch, logs)


class LazyUmlaut(UmlautMonitor):
    def __init__(self, holder):
        super().__init__()
        self.holder = holder
        self._inputs_checked = False

    def on_train_begin(self, logs=None):
        self.inputs = self.holder.inputs
        if self.inputs is None:   # a generator: checked once its first batch has been drawn
            for check in (self._check_lr, self._check_softmax):
                try:
                    check()
                except Exception as exc:
                    self.errors.append(f"{check.__name__}: {type(exc).__name__}: {exc}")
        else:
            self._inputs_checked = True
            super().on_train_begin(logs)

    def on_epoch_end(self, epoch, logs=None):
        if not self._inputs_checked:
            self._inputs_checked = True
            self.inputs = self.holder.inputs
            try:
                self._check_inputs()
            except Exception as exc:
                self.errors.append(f"_check_inputs: {type(exc).__name__}: {exc}")
        super().on_epoch_end(epoch, logs)


RUNS = []
RESULT = {"program": None, "exit_code": None, "exception": None}


def _where():
    for frame in inspect.stack()[2:]:
        if os.path.abspath(frame.filename) == RESULT.get("program_abs"):
            return f"{os.path.basename(frame.filename)}:{frame.lineno}"
    return None


def install():
    original = keras.Model.fit
    signature = inspect.signature(original)

    def fit(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
            holder = Holder()
            replacement = _prepare(bound, holder)
            if replacement is not None:
                bound.arguments["x"] = replacement
            at = LazyAutoTrainer(holder, epochs=bound.arguments.get("epochs", 1))
            um = LazyUmlaut(holder)
            callbacks = bound.arguments.get("callbacks")
            if callbacks is None:
                callbacks = []
            elif isinstance(callbacks, keras.callbacks.CallbackList):
                callbacks = list(callbacks.callbacks)
            else:
                callbacks = list(callbacks)
            bound.arguments["callbacks"] = callbacks + [at, um]
            RUNS.append({"where": _where(), "started": time.time(), "autotrainer": at,
                         "umlaut": um})
        except Exception as exc:  # never break the program: fall back to the plain call
            RESULT.setdefault("inject_errors", []).append(f"{type(exc).__name__}: {exc}")
            return original(self, *args, **kwargs)
        return original(*bound.args, **bound.kwargs)

    keras.Model.fit = fit


_written = False


def write(path):
    global _written
    if _written:
        return
    _written = True
    out = dict(RESULT)
    out.pop("program_abs", None)
    out["runs"] = []
    for name in ("autotrainer", "umlaut"):
        flags, notes, errors = [], [], []
        for i, run in enumerate(RUNS):
            rep = run[name].report()
            for f in rep["flags"]:
                flags.append(dict(f, run=i, t=run["started"]))
            notes += [n for n in rep["notes"] if n not in notes]
            errors += rep["errors"]
        flags.sort(key=lambda f: (f["t"] + 0, f["run"]))  # stable: order of firing per run
        for f in flags:
            f.pop("t", None)
        out[name] = {"flags": flags, "notes": notes, "errors": errors}
    for run in RUNS:
        out["runs"].append({"where": run["where"],
                            "autotrainer": [f["symptom"] for f in run["autotrainer"].flags],
                            "umlaut": [f["symptom"] for f in run["umlaut"].flags]})
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(out, fh, indent=1, default=str)
    os.replace(tmp, path)


def main(argv):
    if len(argv) < 3 or argv[0] != "--out":
        print(__doc__, file=sys.stderr)
        return 2
    out_path, program, prog_args = argv[1], argv[2], argv[3:]
    RESULT["program"] = program
    RESULT["program_abs"] = os.path.abspath(program)
    atexit.register(write, out_path)
    install()
    sys.argv = [program] + prog_args
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
    code = 0
    try:
        runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:
        code = 1
        RESULT["exception"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    RESULT["exit_code"] = code
    write(out_path)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
