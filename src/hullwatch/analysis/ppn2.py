"""NASA's own leak method: the trend of nitrogen.

N2 is neither produced nor consumed aboard (O2 is, and CO2), so a fall in the
N2 mass is gas lost overboard.  Divided by the N2 mass fraction of the cabin
gas it is the air leak rate.  It needs a ppN2 channel; like the gas-mass method
it needs temperature to turn partial pressure into mass.

References
----------
.. [1] iss-facts.md: measured ISS background loss 0.064 kg/day (2004) to
   0.227 kg/day (2011), from the ppN2 trend.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hullwatch.analysis.gasmass import gas_mass_segments
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings, SegmentRate, fit_segment
from hullwatch.errors import AnalysisError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import CABIN_AIR, MOLAR_MASS_KG_PER_MOL, Gas, specific_gas_constant
from hullwatch.telemetry import Telemetry
from hullwatch.units import MOLAR_GAS_CONSTANT

NITROGEN = Gas(specific_gas_constant(MOLAR_MASS_KG_PER_MOL["N2"]), 1.4)


def n2_mass_fraction(pp_n2_pa: float, pressure_pa: float, gas: Gas = CABIN_AIR) -> float:
    """Mass fraction of N2 in the cabin gas from its partial pressure. [-]

    Examples
    --------
    >>> round(n2_mass_fraction(587.5, 755.0), 3)
    0.753
    """
    molar_mass_mix = MOLAR_GAS_CONSTANT / gas.gas_constant_j_per_kg_k
    return pp_n2_pa / pressure_pa * MOLAR_MASS_KG_PER_MOL["N2"] / molar_mass_mix


def ppn2_segments(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64,
    end: np.datetime64,
    *,
    settings: RateSettings = DEFAULT_SETTINGS,
    gas: Gas = CABIN_AIR,
) -> list[SegmentRate] | None:
    """Air leak rate from the N2 trend, one result per segment; ``None`` without ppN2 data."""
    try:
        n2 = gas_mass_segments(
            telemetry,
            habitat,
            module,
            start,
            end,
            grid_s=settings.grid_s,
            gas=NITROGEN,
            quantity="ppN2",
        )
        total = gas_mass_segments(
            telemetry, habitat, module, start, end, grid_s=settings.grid_s, gas=gas
        )
    except AnalysisError:
        return None
    out = []
    for n2_segment, total_segment in zip(n2, total, strict=True):
        fraction = n2_mass_fraction(
            float(np.nanmean(n2_segment.pressure_pa)),
            float(np.nanmean(total_segment.pressure_pa)),
            gas,
        )
        fitted = fit_segment(n2_segment, settings)
        out.append(_scaled(fitted, 1.0 / fraction, float(np.nanmean(total_segment.pressure_pa))))
    return out


def _scaled(rate: SegmentRate, factor: float, pressure_pa: float) -> SegmentRate:
    def scale(pair: tuple[float, float] | None) -> tuple[float, float] | None:
        return None if pair is None else (pair[0] * factor, pair[1] * factor)

    return dataclasses.replace(
        rate,
        leak_rate_kg_per_day=None
        if rate.leak_rate_kg_per_day is None
        else rate.leak_rate_kg_per_day * factor,
        ci95_kg_per_day=scale(rate.ci95_kg_per_day),
        # The N2 fit's flow law runs on ppN2, not total pressure: keep only the mean rate.
        flow_exponent=None,
        flow_exponent_ci95=None,
        leak_rate_at_reference_kg_per_day=None,
        ci95_at_reference_kg_per_day=None,
        mean_pressure_pa=pressure_pa,
    )
