"""The public leak-rate analysis: one call, one typed result with the JSON contract.

:func:`leak_rate` runs the estimator of :mod:`hullwatch.analysis.rate` over a
window and returns a :class:`LeakRateResult` whose :meth:`~LeakRateResult.to_dict`
is exactly formats.md section 3 (``hullwatch rate --json``), plus extra keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.analysis.gasmass import TemperatureOverride
from hullwatch.analysis.ppn2 import ppn2_segments
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings, SegmentRate, estimate_segments
from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.physics.leakflow import effective_areas_m2
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import (
    SECONDS_PER_DAY,
    kg_per_day_to_lb_per_day,
    mass_flow_to_pv_flow,
    mass_flow_to_sccm,
    pa_to_mmhg,
)

#: Optional extra units of the rate, by the name ``--units`` takes.
EXTRA_UNITS = ("mmHg/day", "Pa m3/s", "sccm")


@dataclass(frozen=True)
class LeakRateResult:
    """Leak rate of one compartment over a window (top-level figures: the last segment)."""

    module: str
    start: np.datetime64
    end: np.datetime64
    segments: list[SegmentRate]
    skipped_rows: int
    gas: Gas = CABIN_AIR
    method: str = "gas_mass"
    data_warnings: list[str] = field(default_factory=list)
    ppn2: list[SegmentRate] | None = None

    @property
    def last(self) -> SegmentRate:
        """The segment whose figures are the top-level ones (formats.md section 3)."""
        return self.segments[-1]

    @property
    def leak_rate_kg_per_day(self) -> float | None:
        """Mean leak rate over the last segment. [kg/day]"""
        return self.last.leak_rate_kg_per_day

    def extra_units(self, segment: SegmentRate) -> dict[str, float | None]:
        """The rate in mmHg/day at the segment's pressure, Pa m^3/s and sccm."""
        rate = segment.leak_rate_kg_per_day
        if rate is None:
            return dict.fromkeys(EXTRA_UNITS)
        r = self.gas.gas_constant_j_per_kg_k
        pa_per_day = rate * r * segment.mean_temperature_k / segment.volume_m3
        return {
            "mmHg/day": float(pa_to_mmhg(pa_per_day)),
            "Pa m3/s": float(
                mass_flow_to_pv_flow(rate / SECONDS_PER_DAY, r, segment.mean_temperature_k)
            ),
            "sccm": float(mass_flow_to_sccm(rate / SECONDS_PER_DAY, r)),
        }

    def effective_area_mm2(self, segment: SegmentRate) -> dict[str, float] | None:
        """Hole area implied by the segment's rate at its mean pressure, per flow model. [mm^2]"""
        rate = segment.leak_rate_kg_per_day
        if rate is None or rate <= 0:
            return None
        areas = effective_areas_m2(
            rate / SECONDS_PER_DAY,
            segment.mean_pressure_pa,
            segment.mean_temperature_k,
            gas=self.gas,
        )
        return {key: value * 1e6 for key, value in areas.items()}

    def _segment_dict(self, s: SegmentRate) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": iso_z(s.start),
            "end": iso_z(s.end),
            "compartment": list(s.compartment),
            "leak_rate_kg_per_day": s.leak_rate_kg_per_day,
            "ci95_kg_per_day": _pair(s.ci95_kg_per_day),
            "leak_rate_lb_per_day": _lb(s.leak_rate_kg_per_day),
            "ci95_lb_per_day": _pair(s.ci95_kg_per_day, kg_per_day_to_lb_per_day),
            "flow_exponent": _exponent(s),
            "leak_rate_kg_per_day_at_760mmHg": s.leak_rate_at_reference_kg_per_day,
            "ci95_kg_per_day_at_760mmHg": _pair(s.ci95_at_reference_kg_per_day),
            "effective_area_mm2": self.effective_area_mm2(s),
            "gas_added_kg": _gas_added(s),
            "mean_pressure_mmHg": float(pa_to_mmhg(s.mean_pressure_pa)),
            "volume_m3": s.volume_m3,
            "steps": [
                {
                    "kind": st.kind,
                    "start": iso_z(st.start),
                    "end": iso_z(st.end),
                    "mass_change_kg": st.mass_change_kg,
                    "ci95_kg": _pair(st.ci95_kg),
                }
                for st in s.steps
            ],
            "points_used": s.points_used,
            "residual_ar1": s.ar1,
        }
        if s.reason is not None:
            out["reason"] = s.reason
        return out

    def to_dict(self, units: tuple[str, ...] = ()) -> dict[str, Any]:
        """The ``hullwatch rate --json`` object (formats.md section 3)."""
        last = self._segment_dict(self.last)
        assumptions = sorted({a for s in self.segments for a in s.assumptions})
        payload: dict[str, Any] = {
            "module": self.module,
            "compartment": last["compartment"],
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "leak_rate_kg_per_day": last["leak_rate_kg_per_day"],
            "leak_rate_lb_per_day": last["leak_rate_lb_per_day"],
            "ci95_kg_per_day": last["ci95_kg_per_day"],
            "ci95_lb_per_day": last["ci95_lb_per_day"],
            "segments": [self._segment_dict(s) for s in self.segments],
            "assumptions": assumptions,
            "skipped_rows": self.skipped_rows,
            "method": self.method,
            "flow_exponent": last["flow_exponent"],
            "leak_rate_kg_per_day_at_760mmHg": last["leak_rate_kg_per_day_at_760mmHg"],
            "effective_area_mm2": last["effective_area_mm2"],
            "gas_added_kg": sum(_gas_added(s) for s in self.segments),
            "warnings": list(self.data_warnings),
        }
        if self.last.reason is not None:
            payload["reason"] = self.last.reason
        if self.ppn2 is not None:
            n2 = self.ppn2[-1]
            payload["ppN2_trend"] = {
                "leak_rate_kg_per_day": n2.leak_rate_kg_per_day,
                "ci95_kg_per_day": _pair(n2.ci95_kg_per_day),
                "leak_rate_lb_per_day": _lb(n2.leak_rate_kg_per_day),
                "ci95_lb_per_day": _pair(n2.ci95_kg_per_day, kg_per_day_to_lb_per_day),
                "compartment": list(n2.compartment),
                "reason": n2.reason,
            }
        if units:
            extra = self.extra_units(self.last)
            payload["leak_rate_other_units"] = {u: extra[u] for u in units}
        return payload


def _pair(pair: tuple[float, float] | None, convert: Any = None) -> list[float] | None:
    if pair is None:
        return None
    return [float(convert(v)) if convert else float(v) for v in pair]


def _lb(rate: float | None) -> float | None:
    return None if rate is None else float(kg_per_day_to_lb_per_day(rate))


def _exponent(s: SegmentRate) -> dict[str, Any] | None:
    if s.flow_exponent is None:
        return None
    return {"value": s.flow_exponent, "ci95": _pair(s.flow_exponent_ci95)}


def _gas_added(s: SegmentRate) -> float:
    return float(sum(st.mass_change_kg for st in s.steps if st.kind == "repress"))


def leak_rate(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    settings: RateSettings = DEFAULT_SETTINGS,
    gas: Gas = CABIN_AIR,
    temperature_override: TemperatureOverride | None = None,
    noise_history_s: float = 0.0,
) -> LeakRateResult:
    """Leak rate of the compartment holding ``module``, with 95 % intervals.

    Parameters
    ----------
    telemetry : Telemetry
        Pressure, temperature and hatch samples in SI.
    habitat : Habitat
        The habitat.
    module : str
        Any module of the compartment of interest.
    start, end : numpy.datetime64, optional
        The window (UTC); the data's span by default.
    settings : RateSettings
        Estimator tuning.
    gas : Gas
        The cabin gas.
    temperature_override : mapping, optional
        Module temperatures to use instead of the channels (an oracle baseline). [K]
    noise_history_s : float
        Also fit the noise model on this much data before ``start``, of the same
        compartment (each hatch configuration with its own leak and intercepts).
        A few days pin the slow noise's correlation time, and with it the
        interval's width, only loosely; weeks pin it. [s]

    Returns
    -------
    LeakRateResult

    Raises
    ------
    InputError
        For a module not in the habitat or an empty window.
    AnalysisError
        When no segment holds enough data to estimate.
    """
    habitat.module(module)
    span = telemetry.span()
    t0 = span[0] if start is None else start
    t1 = span[1] if end is None else end
    if not t1 > t0:
        raise InputError(f"the window {iso_z(t0)} to {iso_z(t1)} is empty", field="--start/--end")
    if noise_history_s < 0:
        raise InputError("the noise history cannot be negative", field="--noise-history")
    history_start = None
    if noise_history_s > 0:
        history_start = t0 - np.timedelta64(round(noise_history_s * 1e9), "ns")
    segments = estimate_segments(
        telemetry,
        habitat,
        module,
        t0,
        t1,
        settings=settings,
        gas=gas,
        temperature_override=temperature_override,
        history_start=history_start,
    )
    n2 = ppn2_segments(telemetry, habitat, module, t0, t1, settings=settings, gas=gas)
    return LeakRateResult(
        module,
        t0,
        t1,
        segments,
        telemetry.skipped_rows,
        gas=gas,
        data_warnings=list(telemetry.warnings),
        ppn2=n2,
    )
