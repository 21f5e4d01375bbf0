"""Kalman whitening against the dense covariance it stands for."""

from __future__ import annotations

import numpy as np

from hullwatch.analysis.kalman import whiten
from hullwatch.analysis.regression import NoiseModel


def _assert_whitens_exactly(
    noise: NoiseModel,
    times: np.ndarray,
    columns: np.ndarray,
    loading: np.ndarray | None = None,
    widths: np.ndarray | None = None,
    atol: float = 1e-10,
) -> None:
    """The Kalman whitening is ``L^-1`` of the dense covariance, and its log det too."""
    covariance = noise.covariance(times, loading, widths)
    whitened, log_det = noise.whiten(columns, times, loading, widths)
    np.testing.assert_allclose(
        whitened, np.linalg.solve(np.linalg.cholesky(covariance), columns), atol=atol
    )
    assert abs(log_det - np.linalg.slogdet(covariance)[1]) < 1e-8


def test_whitening_equals_the_inverse_cholesky_factor_across_gaps() -> None:
    rng = np.random.default_rng(1)
    times = np.sort(rng.choice(400, 200, replace=False)).astype(float)  # irregular, with gaps
    noise = NoiseModel(2.0, 0.3, 0.99, walk_variance=0.05)
    _assert_whitens_exactly(noise, times, rng.standard_normal((times.size, 3)))


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
    _assert_whitens_exactly(noise, times, rng.standard_normal((times.size, 2)), loading)
    # The white part is not loaded: at a loading of 0 only it is left.
    vacuum = noise.covariance(times[:3], np.zeros(3))
    np.testing.assert_allclose(vacuum, 0.3 * np.eye(3))


def _fine_average_covariance(
    centres: np.ndarray, noise: NoiseModel, loading: np.ndarray, per_bin: int = 400
) -> np.ndarray:
    """Covariance of bin averages of the point processes, by brute force on a fine grid."""
    offsets = (np.arange(per_bin) + 0.5) / per_bin - 0.5
    fine = (centres[:, None] + offsets[None, :]).ravel()
    lag = np.abs(fine[:, None] - fine[None, :])
    start = centres[0] - 0.5  # the walk starts at the first bin's opening
    since = fine - start
    point = noise.ou_variance * noise.phi**lag
    point += noise.walk_variance * np.minimum(since[:, None], since[None, :])
    average = np.kron(np.diag(loading), np.full((1, per_bin), 1.0 / per_bin))
    return average @ point @ average.T + noise.white_variance * np.eye(centres.size)


def test_bin_averages_covary_as_the_exact_local_average() -> None:
    """OU and walk averaged over unit bins, against the model's closed form."""
    centres = np.array([0.0, 1.0, 2.0, 5.0, 6.0, 11.0])  # adjacent bins and gaps
    loading = np.linspace(1.0, 0.8, centres.size)
    for phi in (0.92, 0.5):  # correlation times of 12 and 1.4 bins
        noise = NoiseModel(2.0, 0.01, phi, walk_variance=0.03, bin_width=1.0)
        exact = _fine_average_covariance(centres, noise, loading)
        np.testing.assert_allclose(noise.covariance(centres, loading), exact, rtol=2e-5)


def test_narrow_bins_carry_their_own_width() -> None:
    """A bin cut short at a piece's edge averages over less time."""
    centres = np.array([0.0, 1.0, 1.75, 4.0])
    widths = np.array([1.0, 1.0, 0.5, 1.0])
    noise = NoiseModel(1.5, 0.02, 0.8, walk_variance=0.01, bin_width=1.0)
    per_bin = 400
    offsets = (np.arange(per_bin) + 0.5) / per_bin - 0.5
    fine = np.concatenate([c + w * offsets for c, w in zip(centres, widths, strict=True)])
    lag = np.abs(fine[:, None] - fine[None, :])
    since = fine + 0.5
    point = noise.ou_variance * noise.phi**lag
    point += noise.walk_variance * np.minimum(since[:, None], since[None, :])
    average = np.kron(np.eye(centres.size), np.full((1, per_bin), 1.0 / per_bin))
    exact = average @ point @ average.T + noise.white_variance * np.eye(centres.size)
    np.testing.assert_allclose(noise.covariance(centres, widths=widths), exact, rtol=2e-5)
    columns = np.random.default_rng(4).standard_normal((centres.size, 2))
    _assert_whitens_exactly(noise, centres, columns, widths=widths)


def test_bin_averages_are_whitened_exactly_despite_the_negative_white_part() -> None:
    rng = np.random.default_rng(3)
    times = np.sort(rng.choice(300, 150, replace=False)).astype(float)
    loading = np.linspace(1.0, 0.5, times.size)
    noise = NoiseModel(1.0, 1e-6, 0.9, walk_variance=0.01, bin_width=1.0)
    assert noise.bin_average_terms(np.ones(1))[1][0] < 0.0  # smoother than samples
    columns = rng.standard_normal((times.size, 2))
    _assert_whitens_exactly(noise, times, columns, loading, atol=1e-8)


def test_bin_averages_taken_as_samples_stretch_the_correlation_time() -> None:
    """The lag-one correlation of averages is about (1 + x/3) times the samples'."""
    tau = 12.0
    noise = NoiseModel(1.0, 0.0, float(np.exp(-1.0 / tau)), bin_width=1.0)
    cov = noise.covariance(np.array([0.0, 1.0]))
    apparent_phi = cov[0, 1] / cov[0, 0]
    apparent_tau = -1.0 / np.log(apparent_phi)
    assert abs(apparent_tau / tau - 1.5) < 0.02
