"""Kalman whitening against the dense covariance it stands for."""

from __future__ import annotations

import numpy as np

from hullwatch.analysis.kalman import whiten
from hullwatch.analysis.regression import NoiseModel


def test_whitening_equals_the_inverse_cholesky_factor_across_gaps() -> None:
    rng = np.random.default_rng(1)
    times = np.sort(rng.choice(400, 200, replace=False)).astype(float)  # irregular, with gaps
    noise = NoiseModel(2.0, 0.3, 0.99, walk_variance=0.05)
    columns = rng.standard_normal((times.size, 3))
    whitened, log_det = noise.whiten(columns, times)
    cholesky = np.linalg.cholesky(noise.covariance(times))
    np.testing.assert_allclose(whitened, np.linalg.solve(cholesky, columns), atol=1e-10)
    assert abs(log_det - np.linalg.slogdet(noise.covariance(times))[1]) < 1e-9


def test_two_ou_parts_are_whitened_exactly() -> None:
    times = np.arange(50.0)
    phis, variances = np.array([0.95, 0.5]), np.array([1.0, 0.4])
    lag = np.abs(times[:, None] - times[None, :])
    cov = variances[0] * phis[0] ** lag + variances[1] * phis[1] ** lag + 0.1 * np.eye(50)
    column = np.sin(times)
    whitened, _ = whiten(column, times, phis, variances, 0.1)
    np.testing.assert_allclose(whitened, np.linalg.solve(np.linalg.cholesky(cov), column))


def test_white_noise_alone_scales_by_its_standard_deviation() -> None:
    noise = NoiseModel(0.0, 4.0, 0.0)
    whitened, log_det = whiten(np.full(5, 2.0), np.arange(5.0), *noise.components(), 4.0)
    np.testing.assert_allclose(whitened, 1.0)
    assert abs(log_det - 5 * np.log(4.0)) < 1e-12


def test_loaded_slow_parts_are_whitened_exactly() -> None:
    """``h_i h_j`` on the OU and walk parts (the gas present), not on the white part."""
    rng = np.random.default_rng(2)
    times = np.sort(rng.choice(300, 150, replace=False)).astype(float)
    loading = np.linspace(1.0, 0.3, times.size)  # a decay from 760 to about 230 mmHg
    noise = NoiseModel(2.0, 0.3, 0.97, walk_variance=0.02)
    columns = rng.standard_normal((times.size, 2))
    covariance = noise.covariance(times, loading)
    whitened, log_det = noise.whiten(columns, times, loading)
    np.testing.assert_allclose(
        whitened, np.linalg.solve(np.linalg.cholesky(covariance), columns), atol=1e-10
    )
    assert abs(log_det - np.linalg.slogdet(covariance)[1]) < 1e-9
    # The white part is not loaded: at a loading of 0 only it is left.
    vacuum = noise.covariance(times[:3], np.zeros(3))
    np.testing.assert_allclose(vacuum, 0.3 * np.eye(3))
