"""Where is the leak: a posterior over modules, hatch seals and no leak (``hullwatch locate``).

One leak at a time is assumed (docs/locate.md).
"""

from hullwatch.locate.evidence import Evidence, EvidenceSet, gather_evidence
from hullwatch.locate.hypotheses import Hypothesis, build_hypotheses
from hullwatch.locate.likelihood import DEFAULT_PRIORS, LocatePriors
from hullwatch.locate.planning import ExpectedOutcome, expected_posterior
from hullwatch.locate.posterior import (
    LocateResult,
    locate_leak,
    posterior_from_evidence,
    posterior_from_rates,
)

__all__ = [
    "DEFAULT_PRIORS",
    "Evidence",
    "EvidenceSet",
    "ExpectedOutcome",
    "Hypothesis",
    "LocatePriors",
    "LocateResult",
    "build_hypotheses",
    "expected_posterior",
    "gather_evidence",
    "locate_leak",
    "posterior_from_evidence",
    "posterior_from_rates",
]
