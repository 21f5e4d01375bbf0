"""What a proposed hatch configuration and hold would teach: the expected posterior.

For a proposed set of open hatches held for ``hold_s``, each compartment's
loss-rate standard deviation is that of a gas-mass trend over the hold under a
prior noise model (:func:`hullwatch.analysis.detectability.compartment_noise`,
:func:`~hullwatch.analysis.detectability.trend_standard_error_kg_per_day`); no
fixed number.  Outcomes are then drawn by Monte Carlo: a true hypothesis from the
current posterior (systematic sampling), its leak rate, backgrounds from their prior, and Gaussian
errors; each outcome's posterior (with the current posterior as prior) is
averaged.  The backgrounds are drawn from their prior, not from what earlier
configurations taught about them, so the expected gain is slightly pessimistic.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from hullwatch.analysis.detectability import (
    compartment_noise,
    minimum_detectable_leak_kg_per_day,
    trend_standard_error_kg_per_day,
)
from hullwatch.analysis.regression import NoiseModel
from hullwatch.errors import InputError
from hullwatch.habitat import Compartment, Habitat
from hullwatch.locate.hypotheses import Hypothesis
from hullwatch.locate.likelihood import DEFAULT_PRIORS, LocatePriors, membership
from hullwatch.locate.posterior import posterior_from_rates
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.units import STANDARD_ATMOSPHERE_PA, ZERO_CELSIUS_K

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ExpectedOutcome:
    """What a hold of one configuration is expected to give.

    Attributes
    ----------
    compartments : list of tuple of str
        Compartments of the proposed configuration.
    sigma_kg_per_day : ndarray
        Standard deviation of each compartment's loss rate over the hold. [kg/day]
    minimum_detectable_kg_per_day : ndarray
        Smallest leak each compartment's hold detects (5 % false alarm, 90 % power). [kg/day]
    expected_posterior : ndarray
        Posterior of each hypothesis averaged over the outcomes.
    entropy_before_bits, expected_entropy_after_bits : float
        Entropy of the current posterior and the expected entropy after the hold. [bit]
    p_true_above_95 : float
        Probability that the true hypothesis ends with posterior >= 0.95.
    """

    compartments: list[Compartment]
    sigma_kg_per_day: FloatArray
    minimum_detectable_kg_per_day: FloatArray
    expected_posterior: FloatArray
    entropy_before_bits: float
    expected_entropy_after_bits: float
    p_true_above_95: float

    @property
    def information_gain_bits(self) -> float:
        """Expected reduction of the posterior's entropy. [bit]"""
        return self.entropy_before_bits - self.expected_entropy_after_bits


@lru_cache(maxsize=4096)
def _resolution(noise: NoiseModel, hold_s: float) -> tuple[float, float]:
    """Trend sd and minimum detectable leak of a hold (memoized: a planner asks often). [kg/day]"""
    return (
        trend_standard_error_kg_per_day(noise, hold_s),
        minimum_detectable_leak_kg_per_day(noise, hold_s),
    )


def _entropy_bits(p: FloatArray) -> float:
    q = p[p > 0]
    return float(-(q * np.log2(q)).sum())


def expected_posterior(
    habitat: Habitat,
    hypotheses: Sequence[Hypothesis],
    probabilities: FloatArray,
    leak_rate_kg_per_day: FloatArray,
    open_hatches: Collection[str],
    hold_s: float,
    *,
    priors: LocatePriors = DEFAULT_PRIORS,
    pressure_pa: float = STANDARD_ATMOSPHERE_PA,
    temperature_k: float = ZERO_CELSIUS_K + 22.0,
    gas: Gas = CABIN_AIR,
    samples: int = 400,
    seed: int = 0,
    truth: FloatArray | None = None,
) -> ExpectedOutcome:
    """Expected posterior after holding ``open_hatches`` open (the rest closed) for ``hold_s``.

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    hypotheses : sequence of Hypothesis
        The hypotheses (e.g. ``LocateResult.hypotheses``).
    probabilities : ndarray
        Their current posterior (the prior of the hold).
    leak_rate_kg_per_day : ndarray
        The leak rate to assume under each hypothesis (e.g. its posterior mean). [kg/day]
    open_hatches : collection of str
        Hatches left open; every other hatch is closed.
    hold_s : float
        Length of the hold. [s]
    priors : LocatePriors
        Background prior (and the leak-rate prior used in the update).
    pressure_pa, temperature_k : float
        Cabin pressure [Pa] and temperature [K], for each compartment's gas mass.
    gas : Gas
        The cabin gas.
    samples : int
        Monte Carlo outcomes.
    seed : int
        Random seed.
    truth : ndarray, optional
        Weights to draw the true hypothesis from instead of ``probabilities`` (e.g.
        the current posterior restricted to one branch of a decision tree); the
        update still starts from ``probabilities``.

    Returns
    -------
    ExpectedOutcome

    Raises
    ------
    InputError
        For an unknown hatch or a hold that is not positive.
    """
    for hatch in open_hatches:
        habitat.hatch(hatch)
    if not hold_s > 0:
        raise InputError(f"the hold must be positive, not {hold_s} s", field="hold_s")
    compartments = habitat.compartments(frozenset(open_hatches))
    masses = np.array(
        [
            pressure_pa * habitat.volume_m3(c) / (gas.gas_constant_j_per_kg_k * temperature_k)
            for c in compartments
        ]
    )
    noises = [compartment_noise(m, temperature_k=temperature_k) for m in masses]
    sigma = np.array([_resolution(n, hold_s)[0] for n in noises])
    mdl = np.array([_resolution(n, hold_s)[1] for n in noises])
    members = membership(compartments, habitat.module_names)
    signatures = np.array([h.signature(compartments) for h in hypotheses])
    p = np.asarray(probabilities, float)
    p = p / p.sum()
    log_prior = np.log(np.maximum(p, 1e-300))
    rng = np.random.default_rng(seed)
    weights = p if truth is None else np.asarray(truth, float) / float(np.sum(truth))
    # Systematic sampling of the true hypothesis (each drawn in proportion to its weight,
    # up to one sample): unbiased, and far less noisy than independent draws when
    # configurations are compared.
    positions = (rng.uniform() + np.arange(samples)) / samples
    cumulative = np.cumsum(weights)
    true_hypotheses = np.minimum(
        np.searchsorted(cumulative / cumulative[-1], positions), len(hypotheses) - 1
    )
    mean_post = np.zeros(len(hypotheses))
    entropy_after = 0.0
    hits = 0
    for h in true_hypotheses:
        background = rng.normal(
            priors.background_mean_kg_per_day,
            priors.background_sigma_kg_per_day,
            len(habitat.module_names),
        )
        rates = (
            signatures[h] * leak_rate_kg_per_day[h] + members @ background + rng.normal(0.0, sigma)
        )
        post, _ = posterior_from_rates(
            rates, sigma, compartments, habitat, hypotheses, priors, log_prior
        )
        mean_post += post / samples
        entropy_after += _entropy_bits(post) / samples
        hits += int(post[h] >= 0.95)
    return ExpectedOutcome(
        list(compartments),
        sigma,
        mdl,
        mean_post,
        _entropy_bits(p),
        entropy_after,
        hits / samples,
    )
