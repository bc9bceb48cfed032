import numpy as np
import pytest

from fitdoctor.probes.curvature import extreme_eigenvalues


def _symmetric(eigenvalues, seed=0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return q @ np.diag(eigenvalues) @ q.T


def test_largest_algebraic_not_largest_magnitude():
    # Seed 000's Hessian at the start: the eigenvalue of largest magnitude is negative.
    matrix = _symmetric([-645.0, 11.0, 314.0])
    spectrum = extreme_eigenvalues(lambda v: matrix @ v, 3)
    assert spectrum.largest == pytest.approx(314.0, rel=1e-9)
    assert spectrum.smallest == pytest.approx(-645.0, rel=1e-9)
    assert spectrum.products == 3


def test_large_space_with_bounded_products_finds_top_eigenvalue():
    rng = np.random.default_rng(1)
    eigenvalues = np.concatenate([[50.0, -80.0], rng.uniform(-1, 1, 498)])
    matrix = _symmetric(eigenvalues, seed=2)
    spectrum = extreme_eigenvalues(lambda v: matrix @ v, 500, max_products=24)
    assert spectrum.products <= 24
    assert spectrum.largest == pytest.approx(50.0, rel=1e-3)


def test_one_dimension():
    spectrum = extreme_eigenvalues(lambda v: 247.0 * v, 1)
    assert spectrum.largest == pytest.approx(247.0)
