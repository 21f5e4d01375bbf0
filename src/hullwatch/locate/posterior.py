"""``hullwatch locate``: the posterior over where a single leak is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp

from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.locate.evidence import Evidence, EvidenceSet, gather_evidence
from hullwatch.locate.hypotheses import MODULE, NO_LEAK, Hypothesis, build_hypotheses
from hullwatch.locate.likelihood import (
    DEFAULT_PRIORS,
    LocatePriors,
    ModelCheck,
    log_likelihoods,
    membership,
    model_check,
)
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import POUND_KG

FloatArray = npt.NDArray[np.float64]

#: Said in every result: the model's main assumption.
SINGLE_LEAK = (
    "one leak at a time: a leak in one module, a leak-through at one closed hatch seal, or "
    "none; every module also leaks a background (Gaussian, mean "
    "{mean:.3f} kg/day, sd {sd:.3f} kg/day, the same in every configuration)"
)


#: Below this p-value the model check says the evidence fits no hypothesis.
MODEL_CHECK_P = 1e-3


@dataclass
class LocateResult:
    """Posterior over the hypotheses, and the evidence it rests on.

    Attributes
    ----------
    hypotheses : list of Hypothesis
        No leak, each module, each closed hatch seal.
    probabilities : ndarray
        Posterior probability of each hypothesis (sums to 1).
    leak_rate_kg_per_day : ndarray
        Posterior mean leak rate given each hypothesis. [kg/day]
    evidence : EvidenceSet
        The per-configuration evidence.
    priors : LocatePriors
        The priors used.
    assumptions : list of str
        What the model and the data assumed.
    """

    hypotheses: list[Hypothesis]
    probabilities: FloatArray
    leak_rate_kg_per_day: FloatArray
    evidence: EvidenceSet
    priors: LocatePriors
    assumptions: list[str] = field(default_factory=list)
    #: How well the most probable hypothesis explains the evidence.
    check: ModelCheck | None = None

    def probability(self, name: str) -> float:
        """Posterior probability of the hypothesis called ``name``."""
        return float(self.probabilities[[h.name for h in self.hypotheses].index(name)])

    @property
    def module_posterior(self) -> dict[str, float]:
        """Posterior over the modules given a leak in a module (sums to 1)."""
        names = [h.name for h in self.hypotheses if h.kind == MODULE]
        p = np.array([self.probability(n) for n in names])
        total = p.sum()
        p = p / total if total > 0 else np.full(p.size, 1.0 / p.size)
        return dict(zip(names, (float(x) for x in p), strict=True))

    @property
    def most_likely(self) -> str:
        """The most probable module (ties: the first in habitat order)."""
        posterior = self.module_posterior
        return max(posterior, key=lambda m: posterior[m])

    @property
    def most_likely_hypothesis(self) -> str:
        """The most probable hypothesis of any kind."""
        return self.hypotheses[int(np.argmax(self.probabilities))].name

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch locate --json`` object (formats.md section 3), plus extra keys."""
        best = self.most_likely
        index = [h.name for h in self.hypotheses].index(best)
        rate = float(self.leak_rate_kg_per_day[index])
        return {
            "posterior": self.module_posterior,
            "most_likely": best,
            "leak_rate_kg_per_day": rate,
            "leak_rate_lb_per_day": rate / POUND_KG,
            "most_likely_hypothesis": self.most_likely_hypothesis,
            "p_no_leak": self.probability("no leak"),
            "p_module_leak": float(
                sum(
                    p
                    for h, p in zip(self.hypotheses, self.probabilities, strict=True)
                    if h.kind == MODULE
                )
            ),
            "hypotheses": [
                {
                    "name": h.name,
                    "kind": h.kind,
                    "probability": float(p),
                    "leak_rate_kg_per_day": float(r),
                }
                for h, p, r in zip(
                    self.hypotheses, self.probabilities, self.leak_rate_kg_per_day, strict=True
                )
            ],
            "evidence": [e.to_dict() for e in self.evidence.items],
            "start": iso_z(self.evidence.start),
            "end": iso_z(self.evidence.end),
            "priors": {
                "background_mean_kg_per_day": self.priors.background_mean_kg_per_day,
                "background_sigma_kg_per_day": self.priors.background_sigma_kg_per_day,
                "leak_rate_log_uniform_kg_per_day": [
                    self.priors.leak_min_kg_per_day,
                    self.priors.leak_max_kg_per_day,
                ],
                "no_leak": self.priors.prior_no_leak,
                "seals": self.priors.prior_seals,
            },
            "assumptions": list(self.assumptions),
            "skipped": list(self.evidence.skipped),
            "model_check": None if self.check is None else self.check.to_dict(),
        }


def posterior_from_evidence(
    items: Sequence[Evidence],
    habitat: Habitat,
    hypotheses: Sequence[Hypothesis],
    priors: LocatePriors = DEFAULT_PRIORS,
) -> tuple[FloatArray, FloatArray]:
    """Posterior probability and mean leak rate of each hypothesis given the evidence.

    Parameters
    ----------
    items : sequence of Evidence
        Loss rates per compartment and configuration.
    habitat : Habitat
        The habitat (its modules carry the background).
    hypotheses : sequence of Hypothesis
        From :func:`~hullwatch.locate.hypotheses.build_hypotheses`.
    priors : LocatePriors
        The priors.

    Returns
    -------
    probabilities : ndarray
        Sums to one.
    leak_rate_kg_per_day : ndarray
        Posterior mean leak rate given each hypothesis. [kg/day]
    """
    compartments = [item.compartment for item in items]
    rates = np.array([item.loss_rate_kg_per_day for item in items])
    sigmas = np.array([item.sigma_kg_per_day for item in items])
    return posterior_from_rates(rates, sigmas, compartments, habitat, hypotheses, priors)


def posterior_from_rates(
    rates: FloatArray,
    sigmas: FloatArray,
    compartments: Sequence[Sequence[str]],
    habitat: Habitat,
    hypotheses: Sequence[Hypothesis],
    priors: LocatePriors = DEFAULT_PRIORS,
    log_prior: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """As :func:`posterior_from_evidence`, from bare loss rates [kg/day] per compartment.

    ``log_prior`` replaces the priors' hypothesis prior (e.g. a current posterior).

    Raises
    ------
    InputError
        For a module the habitat does not have, or rates and compartments that differ
        in number.
    """
    for compartment in compartments:
        for module in compartment:
            try:
                habitat.module(module)
            except InputError as error:
                raise InputError(error.message, field="compartments") from None
    if not len(rates) == len(sigmas) == len(compartments):
        raise InputError(
            f"{len(rates)} rates, {len(sigmas)} sigmas and {len(compartments)} compartments",
            field="rates",
        )
    members = membership(compartments, habitat.module_names)
    signatures = np.array([h.signature(compartments) for h in hypotheses])
    like = log_likelihoods(
        np.asarray(rates, float),
        np.asarray(sigmas, float),
        signatures,
        members,
        priors,
        [h.kind for h in hypotheses],
    )
    base = priors.log_prior(hypotheses) if log_prior is None else log_prior
    log_post = base + like.log_evidence
    return np.exp(log_post - logsumexp(log_post)), like.leak_rate_kg_per_day


def locate_leak(
    telemetry: Telemetry,
    habitat: Habitat,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    priors: LocatePriors = DEFAULT_PRIORS,
    infer_hatches: bool = True,
) -> LocateResult:
    """Where the leak is: posterior over modules, hatch seals and no leak.

    Parameters
    ----------
    telemetry : Telemetry
        Pressure, temperature and hatch samples in SI.
    habitat : Habitat
        The habitat.
    start, end : numpy.datetime64, optional
        Window (UTC); by default the span of the pressure channels.
    priors : LocatePriors
        Priors on the background, the leak rate and the hypotheses.
    infer_hatches : bool
        Infer hatches without a channel from the pressures.

    Returns
    -------
    LocateResult

    Raises
    ------
    AnalysisError
        When no pressure channel has data or no compartment gives evidence.
    """
    evidence = gather_evidence(telemetry, habitat, start, end, infer_hatches=infer_hatches)
    usable = [
        e
        for e in evidence.items
        if np.isfinite(e.sigma_kg_per_day) and e.sigma_kg_per_day <= priors.leak_max_kg_per_day
    ]
    for e in evidence.items:
        if e not in usable:
            evidence.skipped.append(
                f"{', '.join(e.compartment)} from {iso_z(e.start)} to {iso_z(e.end)}: its rate "
                f"interval (sd {e.sigma_kg_per_day:.3g} kg/day) is wider than the leak-rate "
                "prior, so it carries no information"
            )
    evidence.items = usable
    if not usable:
        raise AnalysisError("no compartment gives usable evidence: " + "; ".join(evidence.skipped))
    hypotheses = build_hypotheses(evidence.habitat, evidence.closed_hatches)
    probabilities, rates = posterior_from_evidence(usable, evidence.habitat, hypotheses, priors)
    assumptions = [
        SINGLE_LEAK.format(
            mean=priors.background_mean_kg_per_day, sd=priors.background_sigma_kg_per_day
        ),
        "a depress step counts as gas lost (spread over its configuration); a repress is not "
        "a negative leak",
        *evidence.assumptions,
    ]
    best = int(np.argmax(probabilities))
    compartments = [item.compartment for item in usable]
    check = model_check(
        np.array([item.loss_rate_kg_per_day for item in usable]),
        np.array([item.sigma_kg_per_day for item in usable]),
        np.asarray(hypotheses[best].signature(compartments), float),
        membership(compartments, evidence.habitat.module_names),
        priors,
    )
    if check.p_value < MODEL_CHECK_P:
        assumptions.append(
            f"the evidence fits no hypothesis of one steady leak (the best, "
            f"{hypotheses[best].name}, leaves chi-square {check.chi2:.1f} on {check.dof} "
            f"degrees of freedom, p = {check.p_value:.1e}): the leak probably started, "
            "stopped or changed inside the window; run locate from its onset "
            "(hullwatch detect) with --start"
        )
    return LocateResult(
        list(hypotheses), probabilities, rates, evidence, priors, assumptions, check
    )


__all__ = [
    "NO_LEAK",
    "LocateResult",
    "locate_leak",
    "posterior_from_evidence",
    "posterior_from_rates",
]
