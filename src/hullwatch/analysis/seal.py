"""Seal verification: the leak before and after a repair, told apart honestly.

After sealant is applied, a "stable configuration" may be declared only when the
data say so: the after-rate with its interval, its ratio to the before-rate
(Fieller's interval for a ratio of two estimates), whether it can be told apart
from zero and from the background leakage allowed per module, and the minimum
detectable leak of the after-hold, as a pressure-decay tester reports its
resolution with every pass/fail.

References
----------
.. [1] E. C. Fieller, "Some problems in interval estimation", J. R. Stat. Soc. B 16,
   175-185, 1954.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from hullwatch.analysis.detectability import minimum_detectable_leak_kg_per_day
from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings, SegmentRate
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import lb_per_day_to_kg_per_day

#: ISS requirement: about 0.1 lb/day of leakage per module (iss-facts.md).
BACKGROUND_LB_PER_DAY_PER_MODULE = 0.1


def fieller_ratio_interval(
    numerator: float,
    se_numerator: float,
    denominator: float,
    se_denominator: float,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Fieller's interval for ``numerator / denominator`` of two independent estimates.

    Returns ``None`` when the denominator is not significantly different from zero
    (the interval is then unbounded).

    Examples
    --------
    >>> lo, hi = fieller_ratio_interval(1.0, 0.1, 2.0, 0.1)
    >>> round(lo, 3), round(hi, 3)
    (0.395, 0.615)
    """
    z2 = stats.norm.ppf(0.5 + level / 2) ** 2
    a = denominator**2 - z2 * se_denominator**2
    if a <= 0:
        return None
    b = -2 * numerator * denominator
    c = numerator**2 - z2 * se_numerator**2
    disc = b * b - 4 * a * c
    root = np.sqrt(max(disc, 0.0))
    return float((-b - root) / (2 * a)), float((-b + root) / (2 * a))


def _at_reference(segment: SegmentRate) -> tuple[float, float]:
    """Rate at the reference pressure and its standard error: a leak held lower leaks
    less, so before and after are compared at one pressure."""
    lo, hi = segment.ci95_at_reference_kg_per_day  # type: ignore[misc]
    return segment.leak_rate_at_reference_kg_per_day, (hi - lo) / (2 * stats.norm.ppf(0.975))  # type: ignore[return-value]


@dataclass(frozen=True)
class SealVerdict:
    """Before/after comparison of a repair."""

    before: LeakRateResult
    after: LeakRateResult
    repair_time: np.datetime64
    background_kg_per_day: float
    minimum_detectable_kg_per_day: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe verdict."""
        b, a = self.before.last, self.after.last
        if b.leak_rate_kg_per_day is None or a.leak_rate_kg_per_day is None:
            raise AnalysisError("no rate before or after the repair")
        after_ref, after_se = _at_reference(a)
        before_ref, before_se = _at_reference(b)
        ratio = after_ref / before_ref
        ratio_ci = fieller_ratio_interval(after_ref, after_se, before_ref, before_se)
        a_lo, a_hi = a.ci95_kg_per_day  # type: ignore[misc]
        return {
            "module": self.before.module,
            "repair_time": iso_z(self.repair_time),
            "before": _rate(b),
            "after": _rate(a),
            "ratio_after_to_before": ratio,
            "ratio_basis": "leak rates at 760 mmHg, so that holding the tunnel lower is not "
            "mistaken for a repair",
            "ratio_ci95": None if ratio_ci is None else list(ratio_ci),
            "after_distinguishable_from_zero": bool(a_lo > 0 or a_hi < 0),
            "background_kg_per_day": self.background_kg_per_day,
            "after_above_background": bool(a_lo > self.background_kg_per_day),
            "after_within_background": bool(a_hi <= self.background_kg_per_day),
            "minimum_detectable_leak_kg_per_day": self.minimum_detectable_kg_per_day,
            "verdict": _verdict(a_lo, a_hi, self.background_kg_per_day),
        }


def _rate(s: SegmentRate) -> dict[str, Any]:
    return {
        "start": iso_z(s.start),
        "end": iso_z(s.end),
        "leak_rate_kg_per_day": s.leak_rate_kg_per_day,
        "ci95_kg_per_day": list(s.ci95_kg_per_day) if s.ci95_kg_per_day else None,
    }


def _verdict(lo: float, hi: float, background: float) -> str:
    if hi <= background:
        return "sealed: the after-rate is within the background leakage"
    if lo > background:
        return "still leaking: the after-rate exceeds the background leakage"
    return "undecided: the hold is too short or too noisy to tell"


def verify_seal(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    repair_time: np.datetime64,
    *,
    settle_s: float = 6 * 3600.0,
    background_kg_per_day: float | None = None,
    settings: RateSettings = DEFAULT_SETTINGS,
) -> SealVerdict:
    """Compare the leak before ``repair_time`` with the leak after it (less ``settle_s``).

    Raises
    ------
    InputError
        When the repair time is outside the data.
    """
    start, end = telemetry.span()
    if not start < repair_time < end:
        raise InputError("the repair time lies outside the data", field="--repair-time")
    before = leak_rate(telemetry, habitat, module, start, repair_time, settings=settings)
    after_start = repair_time + np.timedelta64(round(settle_s), "s")
    if not after_start < end:
        raise InputError("no data after the repair and its settling time", field="--repair-time")
    after = leak_rate(telemetry, habitat, module, after_start, end, settings=settings)
    if background_kg_per_day is None:
        background_kg_per_day = lb_per_day_to_kg_per_day(
            BACKGROUND_LB_PER_DAY_PER_MODULE * len(after.last.compartment)
        )
    noise = after.last.noise
    mdl = None
    if noise is not None:
        duration = float((after.last.end - after.last.start) / np.timedelta64(1, "s"))
        mdl = minimum_detectable_leak_kg_per_day(noise, duration, settings.bin_s)
    return SealVerdict(before, after, repair_time, background_kg_per_day, mdl)
