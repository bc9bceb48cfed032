"""Every global random-number generator a probe could advance, saved and put back.

Probes draw nothing on purpose (stateless calls, private `np.random.default_rng`), but the
user's model may: on PyTorch an unseeded Dropout draws from torch's global generator even
in a stateless call, an unseeded initializer draws from Keras's global seed generator.
`preserved()` around pre-flight puts back Python's `random`, NumPy's global RNG, Keras's
global seed generator and the backend's own (probes/backends/*: `rng_state`,
`set_rng_state`), so what the script draws next is what it would have drawn without
fitdoctor. It also puts back Keras's counters of automatic names, which the optimizers and
variables a probe creates advance: the script's later layers and optimizers get the names
(and so the variable paths) they would have had.
"""

from __future__ import annotations

import copy
import random
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

from fitdoctor.probes import backends


def _keras_generator() -> Any:
    # Read, never create: creating it would itself draw from Python's `random`.
    from keras.src.backend.common import global_state
    from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR

    return global_state.get_global_attribute(GLOBAL_SEED_GENERATOR)


NAME_COUNTERS = "object_name_uids"  # keras.src.utils.naming.get_uid's global attribute


def save() -> tuple[Any, ...]:
    import keras
    from keras.src.backend.common import global_state

    generator = _keras_generator()
    keras_state = None if generator is None else np.array(keras.ops.convert_to_numpy(generator.state.value))
    names = copy.copy(global_state.get_global_attribute(NAME_COUNTERS))
    return (random.getstate(), np.random.get_state(), generator, keras_state, backends.current().rng_state(),
            names)


def restore(saved: tuple[Any, ...]) -> None:
    from keras.src.backend.common import global_state

    python, numpy, generator, keras_state, backend, names = saved
    random.setstate(python)
    np.random.set_state(numpy)
    if generator is not None:
        generator.state.assign(keras_state)
    backends.current().set_rng_state(backend)
    global_state.set_global_attribute(NAME_COUNTERS, names)


@contextmanager
def preserved() -> Iterator[None]:
    saved = save()
    try:
        yield
    finally:
        restore(saved)
