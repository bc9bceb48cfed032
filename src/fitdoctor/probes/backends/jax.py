"""Gradients and Hessian-vector products with `jax.grad` and forward-over-reverse `jax.jvp`."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from fitdoctor.probes.backends import converted_once

_array = converted_once(jnp.asarray)


def value_and_grad(fn: Callable, params: Sequence[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    value, grads = jax.value_and_grad(lambda p: fn(list(p)))([_array(v) for v in params])
    return float(value), [np.asarray(g) for g in grads]


def gradient_pass(fn: Callable, params: Sequence[np.ndarray]) -> None:
    """A forward and backward pass of `fn`, waited for and nothing brought to the host: what a
    pass costs, for timing."""
    jax.block_until_ready(jax.value_and_grad(lambda p: fn(list(p)))([_array(v) for v in params]))


def hvp_function(fn: Callable) -> Callable[[Sequence[np.ndarray], Sequence[np.ndarray]], list[np.ndarray]]:
    """A jitted Hessian-vector product of `fn` (forward over reverse)."""

    @jax.jit
    def product(primals: list, tangents: list) -> list:
        return jax.jvp(jax.grad(lambda p: fn(list(p))), (primals,), (tangents,))[1]

    def call(params: Sequence[np.ndarray], vector: Sequence[np.ndarray]) -> list[np.ndarray]:
        primals = [_array(v) for v in params]
        tangents = [jnp.asarray(v, dtype=p.dtype) for v, p in zip(vector, primals)]
        return [np.asarray(h) for h in product(primals, tangents)]

    return call


def repeated_value_and_grad(fn: Callable) -> Callable[[Sequence, Any], tuple[float, list[np.ndarray]]]:
    """`call(params, batch) -> (value, grads)` of `fn(params, batch)`, for a gradient taken
    again and again on the same shapes (the training monitor). Jitted: eager
    `jax.value_and_grad` compiles every primitive separately on first use (seconds)."""
    compiled = jax.jit(jax.value_and_grad(lambda p, batch: fn(list(p), batch)))

    def call(params: Sequence, batch: Any) -> tuple[float, list[np.ndarray]]:
        value, grads = compiled([_array(v) for v in params], batch)
        return float(value), [np.asarray(g) for g in grads]

    return call


# Jitted steps by the caller's key: compiling costs seconds on JAX, and short runs that
# differ only in the learning rate (a value in the optimizer's state) share one.
_COMPILED_STEPS: dict[Hashable, Callable] = {}


def train_step(fn: Callable, optimizer: Any, variables: list,
               key: Hashable | None = None) -> tuple[Callable, Callable]:
    """A jitted optimizer step of `fn(params, batch)` starting from `variables` (which
    `optimizer` was built on): `(step(batch) -> (loss, gradient norm), params() -> NumPy
    values)`. The state
    is passed in and out (`stateless_apply`); the variables keep their values. Steps made
    with the same `key` (same model, optimizer configuration up to its learning rate, and
    batch shapes) reuse one compiled function."""
    compiled = _COMPILED_STEPS.get(key) if key is not None else None
    if compiled is None:
        gradient = jax.value_and_grad(lambda p, batch: fn(list(p), batch))

        @jax.jit
        def compiled(params: list, slots: list, batch: Any) -> tuple:
            value, grads = gradient(params, batch)
            new_params, new_slots = optimizer.stateless_apply(slots, grads, params)
            norm = jnp.sqrt(sum(jnp.sum(jnp.square(g)) for g in grads))
            return value, norm, new_params, new_slots

        if key is not None:
            _COMPILED_STEPS.clear()  # one model at a time: keep memory bounded
            _COMPILED_STEPS[key] = compiled

    state = [[v.value for v in variables], [v.value for v in optimizer.variables]]

    def step(batch: Any) -> tuple[float, float]:
        value, norm, state[0], state[1] = compiled(state[0], state[1], batch)
        return float(value), float(norm)

    return step, (lambda: [np.asarray(p) for p in state[0]])


def rng_state() -> object:
    """JAX has no global generator (Keras's global seed generator is saved by probes/rng.py)."""
    return None


def set_rng_state(state: object) -> None:
    pass
