"""A real notebook, executed by nbclient in an IPython kernel of this Python, diagnoses its
fit() through `%load_ext fitdoctor` and shows the HTML report in the cell's output."""

import json
import os
import sys

import pytest

from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("jinja2")

# The model of examples/seeds/multiplication_lr.py, inline: SGD at 0.01 on x = 0..19 diverges.
TRAIN = '''
import numpy as np
import keras

keras.utils.set_random_seed(1234)

class MultiplicationLayer(keras.layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(name="multiplicand", shape=(1,),
                                      initializer=keras.initializers.Constant(1.0))

    def call(self, x):
        return self.kernel * x

inputs = keras.Input(shape=(1,))
model = keras.Model(inputs, MultiplicationLayer()(inputs))
model.compile(optimizer="sgd", loss="mse")
x = np.arange(20)
history = model.fit(x, 2 * x, epochs=6, verbose=0)
'''


def _kernel(tmp_path):
    """A kernel spec that runs this interpreter with this checkout's sources first."""
    spec = tmp_path / "kernels" / "fitdoctor-test"
    spec.mkdir(parents=True)
    path = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fitdoctor test", "language": "python",
        "env": {"PYTHONPATH": path, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "tensorflow"),
                "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"},
    }))
    return "fitdoctor-test"


def test_load_ext_diagnoses_a_notebook_fit_and_shows_the_html_report(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    kernel = _kernel(tmp_path)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("%load_ext fitdoctor"),
        nbformat.v4.new_code_cell(TRAIN),
        nbformat.v4.new_code_cell("import fitdoctor\nprint('before', 'Session.install' in keras.Model.fit.__qualname__)\n"
                                  "fitdoctor.unwatch()\nprint('after', 'Session.install' in keras.Model.fit.__qualname__)"),
    ]
    client = nbclient.NotebookClient(notebook, kernel_name=kernel, timeout=240,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    trained = notebook.cells[1].outputs
    printed = "".join(o.get("text", "") for o in trained if o["output_type"] == "stream")
    assert "fitdoctor pre-flight: fit() at" in printed and "FD301 lr-too-high" in printed
    pages = [o["data"]["text/html"] for o in trained if o["output_type"] == "display_data"
             and "text/html" in o.get("data", {})]
    assert len(pages) == 1, trained
    page = pages[0]
    assert page.startswith('<div class="fitdoctor">')
    assert "FD301 lr-too-high" in page and "FD402 loss-diverging" in page
    assert 'data-plot="loss"' in page and 'data-plot="finding-FD301"' in page
    plain = next(o["data"]["text/plain"] for o in trained if o["output_type"] == "display_data")
    assert "verdict:" in plain
    # Unwatching puts Keras's own fit() back.
    assert "".join(o.get("text", "") for o in notebook.cells[2].outputs).split() == ["before", "True", "after", "False"]


def test_diagnose_and_monitor_reports_display_as_the_html_view():
    import keras
    import numpy as np

    import fitdoctor

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    shown = fitdoctor.diagnose(model, x, y, batch_size=16, epochs=2)._repr_html_()
    assert shown.startswith('<div class="fitdoctor">') and 'data-plot="gradient-norms"' in shown
    monitor = fitdoctor.Monitor(probe=(x, y))
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[monitor])
    shown = monitor.report._repr_html_()
    assert "3 epoch(s) trained" in shown and 'data-plot="loss"' in shown and 'data-plot="predictions"' in shown
