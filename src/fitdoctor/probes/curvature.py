"""The largest algebraic eigenvalue of the loss Hessian, by Lanczos iteration.

Plain power iteration returns the eigenvalue of largest *magnitude*, which can be a large
negative one (seed 000: -645 against +314); gradient descent's stability depends on the
largest positive curvature, so Lanczos with full re-orthogonalisation is used, and the
tridiagonal problem is solved exactly by SciPy.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.linalg import eigh_tridiagonal


@dataclass(frozen=True)
class Spectrum:
    largest: float  # largest algebraic eigenvalue
    smallest: float  # smallest algebraic eigenvalue (negative: the start is not convex)
    products: int  # Hessian-vector products spent
    timed_out: bool = False  # stopped by its time budget before the Krylov space was complete


def extreme_eigenvalues(hvp: Callable[[np.ndarray], np.ndarray], dimension: int,
                        max_products: int = 24, seconds: float = float("inf")) -> Spectrum:
    """Ritz values of a Krylov space of at most `max_products` Hessian-vector products,
    stopping early once `seconds` have passed after the first product, which compiles (the
    largest Ritz value only grows towards the largest eigenvalue with more products, so an
    early stop under-estimates it).

    For `dimension <= max_products` the space is the whole space and the values are exact.
    The start vector comes from a private seeded generator: no global RNG is touched.
    """
    deadline = math.inf
    timed_out = False
    steps = min(dimension, max_products)
    start = np.random.default_rng(0).standard_normal(dimension)
    basis = np.zeros((steps, dimension))
    alphas, betas = [], []
    vector = start / np.linalg.norm(start)
    for k in range(steps):
        basis[k] = vector
        product = np.asarray(hvp(vector), dtype=np.float64)
        if k == 0:
            deadline = time.perf_counter() + seconds
        alpha = float(vector @ product)
        if not np.all(np.isfinite(product)):
            # Non-finite curvature (weights that already overflowed): nothing to estimate.
            return Spectrum(math.nan, math.nan, k + 1)
        alphas.append(alpha)
        product -= basis[: k + 1].T @ (basis[: k + 1] @ product)
        product -= basis[: k + 1].T @ (basis[: k + 1] @ product)
        beta = float(np.linalg.norm(product))
        if k == steps - 1 or beta < 1e-10 * max(1.0, abs(alpha)):
            break
        if time.perf_counter() > deadline:
            timed_out = True
            break
        betas.append(beta)
        vector = product / beta
    values = eigh_tridiagonal(np.array(alphas), np.array(betas[: len(alphas) - 1]), eigvals_only=True)
    return Spectrum(float(values[-1]), float(values[0]), len(alphas), timed_out)
