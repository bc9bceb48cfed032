"""A repair written as a unified diff: it applies with the real `patch -p0`, the patched script
parses, only the edited lines change, and the edited call holds the new value."""

import ast
import difflib
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fitdoctor.repairs.model import Change, Repair
from fitdoctor.repairs.patch import PatchContext, diff

from conftest import SEEDS

pytestmark = pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch command")

CORNER_LAYERS = {
    "input_layer_1": {"class": "InputLayer", "activation": None, "index": 0},
    "conv2d_2": {"class": "Conv2D", "activation": "linear", "index": 1},
    "conv2d_3": {"class": "Conv2D", "activation": "hard_sigmoid", "index": 2},
}


def repair(*changes: Change) -> Repair:
    return Repair(("FD000",), "test repair", "changes-intent", changes, "model.compile(...)")


def fit_line(source: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if ".fit(" in line)


class Patched:
    """A script copied to `tmp_path/<display_path>`, a repair's diff applied there with `patch -p0`."""

    def __init__(self, tmp_path: Path, source: str, display_path: str, the_repair: Repair, **context):
        self.folder = tmp_path
        self.script = tmp_path / display_path
        self.script.parent.mkdir(parents=True, exist_ok=True)
        self.script.write_text(source)
        self.original = source
        context.setdefault("fit_line", fit_line(source))
        context.setdefault("fit_calls", 1)
        context.setdefault("epochs_made", None)
        context.setdefault("layers", {})
        context.setdefault("output_layer", None)
        self.diff = diff(the_repair, PatchContext(self.script, display_path, **context))
        self.text = None
        if self.diff is not None:
            (tmp_path / "repair.diff").write_text(self.diff)
            done = subprocess.run(["patch", "-p0", "--batch", "--forward", "-i", "repair.diff"],
                                  cwd=tmp_path, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
            self.text = self.script.read_text()
            self.tree = ast.parse(self.text)

    @property
    def removed(self) -> list[str]:
        return [line[1:].strip() for line in difflib.ndiff(self.original.splitlines(), self.text.splitlines())
                if line.startswith("- ")]

    @property
    def added(self) -> list[str]:
        return [line[1:].strip() for line in difflib.ndiff(self.original.splitlines(), self.text.splitlines())
                if line.startswith("+ ")]

    def calls(self, attribute: str) -> list[ast.Call]:
        return sorted((n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and
                       (getattr(n.func, "attr", None) == attribute or getattr(n.func, "id", None) == attribute)),
                      key=lambda n: n.lineno)


def keyword(call: ast.Call, name: str) -> str | None:
    return next((ast.unparse(k.value) for k in call.keywords if k.arg == name), None)


def comments(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip().startswith("#")]


def seed(name: str) -> str:
    return (SEEDS / name).read_text()


def test_multiplication_lr_string_optimizer_becomes_sgd_at_the_stable_rate(tmp_path):
    source = seed("multiplication_lr.py")
    result = Patched(tmp_path, source, "examples/seeds/multiplication_lr.py",
                     repair(Change("compile", "optimizer", {"config": {"learning_rate": 0.004}, "slot": "rate"})))
    assert result.diff.startswith("--- examples/seeds/multiplication_lr.py\n+++ examples/seeds/multiplication_lr.py\n")
    assert result.removed == ['model.compile(optimizer="sgd", loss="mse")']
    assert result.added == ['model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.004), loss="mse")']
    (compiled,) = result.calls("compile")
    assert keyword(compiled, "optimizer") == "keras.optimizers.SGD(learning_rate=0.004)"
    assert keyword(compiled, "loss") == "'mse'"
    assert comments(result.text) == comments(source)


def test_corner_detector_five_changes_in_one_diff(tmp_path):
    source = seed("corner_detector.py")
    result = Patched(
        tmp_path, source, "examples/seeds/corner_detector.py",
        repair(Change("model", "reshape_output", {"shape": [1]}),
               Change("model", "output_activation", {"activation": "sigmoid", "layer": "conv2d_3"}),
               Change("compile", "loss", {"name": "binary_crossentropy"}),
               Change("fit", "argument", {"name": "class_weight", "value": {"0": 0.5, "1": 256.0}}),
               Change("compile", "optimizer", {"config": {"learning_rate": 0.1}, "slot": "rate"})),
        epochs_made=100, layers=CORNER_LAYERS, output_layer="conv2d_3")
    assert len(result.removed) == len(result.added) == 4
    first, second = result.calls("Conv2D")
    assert keyword(first, "activation") == "None"
    assert keyword(second, "activation") == "'sigmoid'"
    (model,) = result.calls("Model")
    assert keyword(model, "outputs") == "[keras.layers.Reshape((1,))(cnn)]"
    hand, trained = result.calls("compile")
    assert ast.unparse(hand) == "mdl_hand.compile(loss='mse', optimizer=keras.optimizers.Adam(learning_rate=1e-07))"
    assert keyword(trained, "loss") == "'binary_crossentropy'"
    assert keyword(trained, "optimizer") == "keras.optimizers.Adam(learning_rate=0.1)"
    (fit,) = result.calls("fit")
    assert ast.literal_eval(keyword(fit, "class_weight")) == {0: 0.5, 1: 256.0}
    assert keyword(fit, "epochs") == "100"
    assert comments(result.text) == comments(source)


def test_rbf_gaussian_optimizer_name_and_budget_over_a_loop_of_fits(tmp_path):
    source = seed("rbf_gaussian.py")
    result = Patched(
        tmp_path, source, "examples/seeds/rbf_gaussian.py",
        repair(Change("compile", "optimizer", {"class_name": "Adam", "config": {"learning_rate": 0.03}}),
               Change("fit", "budget", {"factor": 50.0, "slot": "budget"})),
        fit_calls=15, epochs_made=300)
    assert result.removed == ["sgd = SGD(learning_rate=learning_rate)",
                              "model.fit(x_train, y_train, epochs=1, batch_size=batch_size)"]
    assign = next(n for n in ast.walk(result.tree) if isinstance(n, ast.Assign)
                  and ast.unparse(n.targets[0]) == "sgd")
    assert ast.unparse(assign.value) == "keras.optimizers.Adam(learning_rate=0.03)"
    (fit,) = result.calls("fit")
    assert keyword(fit, "epochs") == "20"
    assert keyword(fit, "batch_size") == "batch_size"
    assert "learning_rate = 1e-5" in result.text
    assert comments(result.text) == comments(source)


def test_rbf_gaussian_reshape_after_the_last_add(tmp_path):
    source = seed("rbf_gaussian.py")
    result = Patched(tmp_path, source, "rbf_gaussian.py", repair(Change("model", "reshape_output", {"shape": [1]})))
    assert result.removed == []
    assert result.added == ["model.add(keras.layers.Reshape((1,)))"]
    lines = result.text.splitlines()
    at = lines.index("    model.add(keras.layers.Reshape((1,)))")
    assert lines[at - 1] == "    model.add(RBFLayer2D())"


def test_sequential_adds_in_a_loop_positional_compile_and_a_missing_keras_import(tmp_path):
    source = textwrap.dedent('''\
        """A script that never imports keras itself."""
        import numpy as np
        from keras import Sequential, layers  # the layers we need

        model = Sequential()
        model.add(layers.Input((4,)))
        for width in (8, 8):
            model.add(layers.Dense(width, activation="relu"))  # hidden
        model.add(layers.Dense(1))

        # positional arguments, as in old tutorials
        model.compile("adam", "mse")
        model.fit(np.zeros((8, 4)), np.zeros(8), 16, 3)
        ''')
    result = Patched(tmp_path, source, "train.py",
                     repair(Change("compile", "optimizer", {"config": {"learning_rate": 0.001, "clipnorm": 1.0}}),
                            Change("compile", "loss", {"name": "Huber", "delta": 0.5}),
                            Change("model", "reshape_output", {"shape": [1]}),
                            Change("fit", "budget", {"factor": 4.0})),
                     epochs_made=12)
    lines = result.text.splitlines()
    assert lines[3] == "import keras"
    assert lines[lines.index("model.add(layers.Dense(1))") + 1] == "model.add(keras.layers.Reshape((1,)))"
    (compiled,) = result.calls("compile")
    assert [ast.unparse(a) for a in compiled.args] == [
        "keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0)", "keras.losses.Huber(delta=0.5)"]
    (fit,) = result.calls("fit")
    assert [ast.unparse(a) for a in fit.args][2:] == ["16", "12"]
    assert comments(result.text) == comments(source)


def test_sequential_list_keeps_one_layer_per_line_and_sets_a_missing_activation(tmp_path):
    source = textwrap.dedent('''\
        import keras
        from keras import layers


        def build():
            return keras.Sequential(
                [
                    layers.Input((3,)),
                    layers.Dense(16, activation='relu'),
                    layers.Dense(1),  # logits
                ],
            )


        model = build()
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss='mse')
        model.fit(
            keras.ops.zeros((4, 3)),
            keras.ops.zeros((4, 1)),
            epochs=2,  # a smoke run
        )
        ''')
    layers = {"dense": {"class": "Dense", "activation": "relu", "index": 0},
              "dense_1": {"class": "Dense", "activation": "linear", "index": 1}}
    result = Patched(tmp_path, source, "build.py",
                     repair(Change("model", "reshape_output", {"shape": [1]}),
                            Change("model", "output_activation", {"activation": "sigmoid", "layer": None}),
                            Change("compile", "optimizer", {"config": {"learning_rate": 0.02}}),
                            Change("fit", "argument", {"name": "shuffle", "value": False})),
                     fit_line=17, layers=layers, output_layer="dense_1")
    assert "            layers.Dense(1, activation='sigmoid'),  # logits\n" \
           "            keras.layers.Reshape((1,)),\n        ],\n" in result.text
    # A positional learning rate is the one Keras reads: replaced, not doubled by a keyword.
    assert "keras.optimizers.SGD(0.02)" in result.text
    assert "    epochs=2,  # a smoke run\n    shuffle=False,\n)\n" in result.text
    assert result.removed == ["layers.Dense(1),  # logits",
                              "model.compile(optimizer=keras.optimizers.SGD(0.1), loss='mse')"]
    assert comments(result.text) == comments(source)


def test_functional_positional_outputs_and_initial_epoch(tmp_path):
    source = textwrap.dedent('''\
        import keras

        inputs = keras.Input((2,))
        hidden = keras.layers.Dense(4, activation="tanh")(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(loss="mse")
        start = 3
        model.fit(keras.ops.zeros((4, 2)), keras.ops.zeros((4,)), epochs=5, initial_epoch=start)
        ''')
    layers = {"dense": {"class": "Dense", "activation": "tanh", "index": 1},
              "dense_1": {"class": "Dense", "activation": "sigmoid", "index": 2}}
    result = Patched(tmp_path, source, "functional.py",
                     repair(Change("model", "reshape_output", {"shape": [1]}),
                            Change("model", "output_activation", {"activation": "linear", "layer": "dense_1"}),
                            Change("compile", "optimizer", {"config": {"learning_rate": 0.5}}),
                            Change("compile", "loss", {"name": "BinaryCrossentropy", "from_logits": True}),
                            Change("fit", "budget", {"factor": 10.0})),
                     epochs_made=40, layers=layers, output_layer="dense_1")
    (model,) = result.calls("Model")
    assert ast.unparse(model.args[1]) == "keras.layers.Reshape((1,))(outputs)"
    assert keyword(result.calls("Dense")[1], "activation") == "None"
    assert keyword(result.calls("Dense")[0], "activation") == "'tanh'"
    (compiled,) = result.calls("compile")
    # compile() without an optimizer trains with Keras's default, RMSprop.
    assert keyword(compiled, "optimizer") == "keras.optimizers.RMSprop(learning_rate=0.5)"
    assert keyword(compiled, "loss") == "keras.losses.BinaryCrossentropy(from_logits=True)"
    (fit,) = result.calls("fit")
    assert keyword(fit, "epochs") == "start + 40"


AMBIGUOUS = textwrap.dedent('''\
    import keras

    head = keras.layers.Dense(1, activation="tanh")
    probe = keras.layers.Dense(1, activation="tanh")


    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.head = head

        def call(self, x):
            return self.head(x)


    model = Net()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(keras.ops.zeros((4, 2)), keras.ops.zeros((4, 1)), epochs=1)
    model.fit(keras.ops.zeros((4, 2)), keras.ops.zeros((4, 1)), epochs=1)
    ''')


@pytest.mark.parametrize("change", [
    Change("model", "output_activation", {"activation": "sigmoid", "layer": "dense"}),
    Change("model", "reshape_output", {"shape": [1]}),
    Change("fit", "argument", {"name": "batch_size", "value": 2}),
    Change("data", "copy_batches"),
    Change("model", "initialise", {"layer": "dense", "kernel_initializer": "he_normal"}),
], ids=lambda c: f"{c.target}-{c.action}")
def test_a_change_that_is_not_one_call_of_the_script_has_no_patch(tmp_path, change):
    layers = {"dense": {"class": "Dense", "activation": "tanh", "index": 0}}
    result = Patched(tmp_path, AMBIGUOUS, "ambiguous.py", repair(change),
                     fit_line=18, fit_calls=2, layers=layers, output_layer="dense")
    assert result.diff is None


def test_one_unwritable_change_leaves_the_whole_repair_without_a_patch(tmp_path):
    result = Patched(tmp_path, AMBIGUOUS, "ambiguous.py",
                     repair(Change("compile", "optimizer", {"config": {"learning_rate": 0.01}}),
                            Change("data", "shuffle_before_split", {"seed": 0})),
                     fit_line=18)
    assert result.diff is None
    alone = Patched(tmp_path / "alone", AMBIGUOUS, "ambiguous.py",
                    repair(Change("compile", "optimizer", {"config": {"learning_rate": 0.01}})), fit_line=18)
    assert keyword(alone.calls("compile")[0], "optimizer") == "keras.optimizers.SGD(learning_rate=0.01)"


def test_a_script_without_a_final_newline_still_patches(tmp_path):
    source = "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile('sgd', 'mse')\n" \
             "model.fit(keras.ops.zeros((2, 1)), keras.ops.zeros((2, 1)))"
    result = Patched(tmp_path, source, "last.py", repair(Change("fit", "budget", {"factor": 3.0})), epochs_made=3)
    assert result.text.endswith("model.fit(keras.ops.zeros((2, 1)), keras.ops.zeros((2, 1)), epochs=3)")


@pytest.mark.slow
def test_patched_multiplication_lr_trains_to_the_multiplicand(tmp_path):
    source = seed("multiplication_lr.py")
    Patched(tmp_path, source, "examples/seeds/multiplication_lr.py",
            repair(Change("compile", "optimizer", {"config": {"learning_rate": 0.004}, "slot": "rate"})))
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    environment.setdefault("KERAS_BACKEND", "tensorflow")
    done = subprocess.run([sys.executable, "examples/seeds/multiplication_lr.py"], cwd=tmp_path,
                          capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    printed = re.search(r"\[array\(\[\s*([-+0-9.eE]+)\s*\]", done.stdout)
    assert printed, done.stdout[-2000:]
    assert abs(float(printed.group(1)) - 2.0) <= 1e-3
