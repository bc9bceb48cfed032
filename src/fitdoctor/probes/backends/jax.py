"""Gradients and Hessian-vector products with `jax.grad` and forward-over-reverse `jax.jvp`."""

from __future__ import annotations

from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np


def value_and_grad(fn: Callable, params: Sequence[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    value, grads = jax.value_and_grad(lambda p: fn(list(p)))([jnp.asarray(v) for v in params])
    return float(value), [np.asarray(g) for g in grads]


def hvp_function(fn: Callable) -> Callable[[Sequence[np.ndarray], Sequence[np.ndarray]], list[np.ndarray]]:
    """A jitted Hessian-vector product of `fn` (forward over reverse)."""

    @jax.jit
    def product(primals: list, tangents: list) -> list:
        return jax.jvp(jax.grad(lambda p: fn(list(p))), (primals,), (tangents,))[1]

    def call(params: Sequence[np.ndarray], vector: Sequence[np.ndarray]) -> list[np.ndarray]:
        primals = [jnp.asarray(v) for v in params]
        tangents = [jnp.asarray(v, dtype=p.dtype) for v, p in zip(vector, primals)]
        return [np.asarray(h) for h in product(primals, tangents)]

    return call
