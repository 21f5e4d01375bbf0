"""Marginal likelihood of each hypothesis, with the background and the leak rate integrated out.

Evidence item ``i`` (a compartment ``C_i`` under one configuration) reports a loss
rate ``r_i`` with Gaussian standard deviation ``s_i``.  Under a hypothesis with
signature ``a_i`` (the fraction of the leak ``L`` the compartment loses, see
:mod:`hullwatch.locate.hypotheses`),

.. math::

    r_i = a_i L + \\sum_{k \\in C_i} b_k + e_i, \\qquad e_i \\sim N(0, s_i^2),

where ``b_k`` is module ``k``'s background leakage, the same in every
configuration.  With the prior ``b_k ~ N(mu_b, sigma_b^2)`` independent per module
the backgrounds integrate out exactly: ``r ~ N(a L + mu_b A 1, S)`` with
``S = diag(s^2) + sigma_b^2 A A^T`` and ``A`` the item-by-module membership matrix.
The log likelihood is then quadratic in ``L``, and ``L`` is integrated numerically
over its prior on a log-spaced grid.  Modules with the same membership column in
every item have the same signature, hence exactly the same likelihood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats
from scipy.special import logsumexp

from hullwatch.locate.hypotheses import NO_LEAK, SEAL, Hypothesis
from hullwatch.units import POUND_KG

FloatArray = npt.NDArray[np.float64]

#: The ISS leak requirement per module, ~0.1 lb/day (iss-facts.md). [kg/day]
MODULE_REQUIREMENT_KG_PER_DAY = 0.1 * POUND_KG


@dataclass(frozen=True)
class LocatePriors:
    """Priors of ``hullwatch locate`` (docs/locate.md).

    Attributes
    ----------
    background_mean_kg_per_day, background_sigma_kg_per_day : float
        Gaussian prior of each module's background leakage. [kg/day]  Default mean 0
        and standard deviation 0.1 lb/day (the ISS per-module requirement): measured
        station-wide backgrounds (0.06-0.23 kg/day, iss-facts.md) are well inside it.
    leak_min_kg_per_day, leak_max_kg_per_day : float
        Range of the log-uniform prior of the leak rate ``|L|``. [kg/day]  Default
        from the per-module requirement (a leak "above the background") to
        1000 kg/day (a fast depress).
    grid_points : int
        Points of the log-spaced grid over which ``L`` is integrated.
    prior_no_leak, prior_seals : float
        Prior probability of no leak, and of a leak-through at some closed hatch
        seal (shared equally); the rest is shared equally by the modules.
    """

    background_mean_kg_per_day: float = 0.0
    background_sigma_kg_per_day: float = MODULE_REQUIREMENT_KG_PER_DAY
    leak_min_kg_per_day: float = MODULE_REQUIREMENT_KG_PER_DAY
    leak_max_kg_per_day: float = 1000.0
    grid_points: int = 400
    prior_no_leak: float = 0.2
    prior_seals: float = 0.1

    def leak_grid(self) -> tuple[FloatArray, FloatArray]:
        """Leak rates [kg/day] and log prior weights (summing to one) of the grid."""
        log_l = np.linspace(
            np.log(self.leak_min_kg_per_day), np.log(self.leak_max_kg_per_day), self.grid_points
        )
        weights = np.full(self.grid_points, 1.0)
        weights[[0, -1]] = 0.5  # trapezoid rule in log L
        return np.exp(log_l), np.log(weights / weights.sum())

    def log_prior(self, hypotheses: Sequence[Hypothesis]) -> FloatArray:
        """Log prior probability of each hypothesis (normalized)."""
        n_seal = sum(h.kind == SEAL for h in hypotheses)
        n_module = sum(h.kind not in (SEAL, NO_LEAK) for h in hypotheses)
        seal_share = self.prior_seals if n_seal else 0.0
        module_share = 1.0 - self.prior_no_leak - seal_share
        prior = np.array(
            [
                self.prior_no_leak
                if h.kind == NO_LEAK
                else seal_share / n_seal
                if h.kind == SEAL
                else module_share / n_module
                for h in hypotheses
            ]
        )
        return np.log(prior / prior.sum())


DEFAULT_PRIORS = LocatePriors()


@dataclass(frozen=True)
class Likelihoods:
    """Log marginal likelihood of each hypothesis, and its leak-rate posterior mean.

    Attributes
    ----------
    log_evidence : ndarray
        Log marginal likelihood, relative to that of no leak.
    leak_rate_kg_per_day : ndarray
        Posterior mean of ``|L|`` given the hypothesis (0 for no leak). [kg/day]
    """

    log_evidence: FloatArray
    leak_rate_kg_per_day: FloatArray


def membership(compartments: Sequence[Sequence[str]], modules: Sequence[str]) -> FloatArray:
    """Compartment-by-module matrix: 1 where the module is in the compartment."""
    out = np.zeros((len(compartments), len(modules)))
    index = {m: j for j, m in enumerate(modules)}
    for i, compartment in enumerate(compartments):
        for m in compartment:
            out[i, index[m]] = 1.0
    return out


def _whitened(
    rates: FloatArray,
    sigmas: FloatArray,
    signatures: FloatArray,
    members: FloatArray,
    priors: LocatePriors,
) -> tuple[FloatArray, FloatArray]:
    """Loss rates less the background mean, and the signatures, whitened by their covariance.

    The covariance is each item's own variance plus the background shared by the modules
    two items have in common.
    """
    n_modules = members.shape[1]
    cov = np.diag(sigmas**2) + priors.background_sigma_kg_per_day**2 * members @ members.T
    d = rates - priors.background_mean_kg_per_day * members @ np.ones(n_modules)
    chol = np.linalg.cholesky(cov)
    return np.linalg.solve(chol, d), np.linalg.solve(chol, signatures.T)  # (n_items, n_hyp)


@dataclass(frozen=True)
class ModelCheck:
    """How well one hypothesis, at its posterior-mean leak rate, explains the evidence.

    Attributes
    ----------
    chi2 : float
        Sum of squared whitened residuals. [-]
    dof : int
        Evidence items less the fitted leak rate.
    p_value : float
        Chance of a chi-square this large if the hypothesis holds.
    """

    chi2: float
    dof: int
    p_value: float

    def to_dict(self) -> dict[str, float | int]:
        """JSON form."""
        return {"chi2": self.chi2, "dof": self.dof, "p_value": self.p_value}


def model_check(
    rates: FloatArray,
    sigmas: FloatArray,
    signature: FloatArray,
    members: FloatArray,
    priors: LocatePriors = DEFAULT_PRIORS,
) -> ModelCheck:
    """Chi-square of the evidence against one hypothesis, its leak rate fitted.

    The rate is the generalized-least-squares fit of ``L`` to the signature (either
    sign, so a seal's direction is free), and the background is in the covariance.
    A small p-value means no leak of constant rate in that place explains the data:
    typically the leak started, stopped or changed inside the window.

    Examples
    --------
    >>> members = np.eye(2)
    >>> check = model_check(np.array([1.0, 0.0]), np.array([0.1, 0.1]),
    ...                     np.array([1.0, 0.0]), members)
    >>> round(check.chi2, 6), check.dof
    (0.0, 1)
    """
    whitened_d, whitened_a = _whitened(
        np.asarray(rates, float), np.asarray(sigmas, float), signature[None, :], members, priors
    )
    a = whitened_a[:, 0]
    fitted = bool(np.any(a))
    leak = float(a @ whitened_d / (a @ a)) if fitted else 0.0
    residual = whitened_d - a * leak
    dof = max(1, len(rates) - int(fitted))
    chi2 = float(residual @ residual)
    return ModelCheck(chi2, dof, float(stats.chi2.sf(chi2, dof)))


def log_likelihoods(
    rates: FloatArray,
    sigmas: FloatArray,
    signatures: FloatArray,
    members: FloatArray,
    priors: LocatePriors = DEFAULT_PRIORS,
    kinds: Sequence[str] | None = None,
) -> Likelihoods:
    """Marginal log likelihoods of hypotheses from loss rates.

    Parameters
    ----------
    rates, sigmas : ndarray, shape (n_items,)
        Loss rates and their standard deviations. [kg/day]
    signatures : ndarray, shape (n_hypotheses, n_items)
        Fraction of the leak each item's compartment loses under each hypothesis.
    members : ndarray, shape (n_items, n_modules)
        :func:`membership`.
    priors : LocatePriors
        Background and leak-rate priors.
    kinds : sequence of str, optional
        Kind of each hypothesis; a seal's ``L`` takes either sign with equal prior.

    Returns
    -------
    Likelihoods
    """
    whitened_d, whitened_a = _whitened(rates, sigmas, signatures, members, priors)
    beta = whitened_a.T @ whitened_d
    alpha = np.einsum("ij,ij->j", whitened_a, whitened_a)
    grid, log_w = priors.leak_grid()
    signs = (
        [1.0] * len(signatures) if kinds is None else [-1.0 if k == SEAL else 1.0 for k in kinds]
    )
    log_ev = np.zeros(len(signatures))
    mean_l = np.zeros(len(signatures))
    for h in range(len(signatures)):
        if alpha[h] == 0.0:
            continue  # the hypothesis leaves no trace (no leak, or an unseen module)
        terms = [log_w + grid * beta[h] - 0.5 * grid**2 * alpha[h]]
        if signs[h] < 0:  # either direction, half the prior each
            terms = [
                terms[0] + np.log(0.5),
                log_w - grid * beta[h] - 0.5 * grid**2 * alpha[h] + np.log(0.5),
            ]
        stacked = np.concatenate(terms)
        log_ev[h] = float(logsumexp(stacked))
        weights = np.exp(stacked - log_ev[h])
        mean_l[h] = float(np.sum(weights * np.tile(grid, len(terms))))
    return Likelihoods(log_ev, mean_l)
