"""Repairs applied to real models, as a trial applies them at the run's fit()."""

import keras
import numpy as np
import pytest

from fitdoctor.repairs.apply import Applier
from fitdoctor.repairs.model import Change

pytestmark = pytest.mark.backends


def _three_classes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype("float32")
    return x, np.argmax(x[:, :3], axis=1).astype("float32")


def _one_sigmoid_unit(functional):
    if functional:
        inputs = keras.Input((4,))
        hidden = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid", name="out")(hidden))
    else:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu", name="hidden"),
                                  keras.layers.Dense(1, activation="sigmoid", name="out")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_one_unit_per_class_replaces_the_output_and_keeps_the_other_layers(functional):
    keras.utils.set_random_seed(0)
    x, y = _three_classes()
    model = _one_sigmoid_unit(functional)
    hidden = model.get_layer("hidden")
    applier = Applier([Change("model", "output_units", {"layer": "out", "units": 3, "activation": "softmax"}),
                       Change("compile", "loss", {"name": "sparse_categorical_crossentropy"})])
    repaired = applier(model, {"x": x, "y": y})
    assert repaired.output.shape == (None, 3)
    assert repaired.get_layer("hidden") is hidden
    assert repaired.loss == "sparse_categorical_crossentropy" or \
        type(repaired.loss).__name__ == "SparseCategoricalCrossentropy"
    history = repaired.fit(x, y, epochs=15, batch_size=32, verbose=0)
    accuracy = np.mean(repaired.predict(x, verbose=0).argmax(axis=1) == y)
    # The one-unit model cannot name three classes; the repaired one learns them.
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert accuracy > 0.9, accuracy


def test_a_layer_that_is_not_the_output_is_not_replaced():
    model = _one_sigmoid_unit(functional=True)
    applier = Applier([Change("model", "output_units", {"layer": "hidden", "units": 3, "activation": "softmax"})])
    with pytest.raises(ValueError, match="not the model's only output layer"):
        applier(model, {})
