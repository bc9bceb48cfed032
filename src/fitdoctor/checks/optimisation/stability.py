"""The curvature above which gradient descent with heavy-ball or Nesterov momentum diverges.

For a quadratic with curvature h, the iteration is stable iff h < bound(lr, m), with
    SGD            2 / lr
    heavy ball     (2 + 2m) / lr
    Nesterov       (2 + 2m) / ((1 + 2m) lr)
(the roots of the characteristic polynomial of each recursion stay inside the unit circle).
"""

from __future__ import annotations


def curvature_bound(learning_rate: float, momentum: float = 0.0, nesterov: bool = False) -> float:
    if nesterov:
        return (2 + 2 * momentum) / ((1 + 2 * momentum) * learning_rate)
    return (2 + 2 * momentum) / learning_rate


def largest_stable_rate(curvature: float, momentum: float = 0.0, nesterov: bool = False) -> float:
    """The learning rate at which `curvature` sits exactly on the stability bound."""
    return curvature_bound(1.0, momentum, nesterov) / curvature
