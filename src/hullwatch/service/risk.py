"""The live risk cell: :func:`hullwatch.risk.assess.assess_risk` on the service's estimates.

The compartment with the largest current leak-rate estimate is scored on the 5 x 5
matrix (docs/risk.md) with the estimate as today's rate, the alarms raised so far as
its step increases, the whole habitat's volume as the exposed volume, and the given
threshold and horizon.  The live *risk index* is likelihood x consequence (1-25), the
usual single-number reading of a 5 x 5 cell.

The estimate changes only when the detector learns or alarms (docs/service.md), so the
assessment is redone only then; otherwise the last one is returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from hullwatch.errors import HullwatchError
from hullwatch.risk.assess import CurrentRate, assess_risk
from hullwatch.risk.records import steps_from_alarms
from hullwatch.units import mmhg_to_pa

if TYPE_CHECKING:
    from hullwatch.service.state import LiveState


class LiveRiskAssessor:
    """Scores the live state on the risk matrix.

    Parameters
    ----------
    threshold_kg_per_day : float
        Programme threshold of the leak rate. [kg/day]
    horizon_days : float
        Horizon of the likelihood. [days]
    """

    def __init__(self, threshold_kg_per_day: float, horizon_days: float) -> None:
        self.threshold_kg_per_day = threshold_kg_per_day
        self.horizon_days = horizon_days
        self._key: tuple[Any, ...] | None = None
        self._last: dict[str, Any] | None = None

    def __call__(self, state: LiveState) -> dict[str, Any] | None:
        """The current cell, ``{"index", "likelihood", "consequence", "cell", "zone", ...}``."""
        candidates = [
            (rate, compartment, lo, hi)
            for compartment, (rate, lo, hi, _) in state.estimates.items()
            if np.isfinite(rate) and rate > 0.0
        ]
        if not candidates or state.last_grid_ms is None:
            return None
        rate, compartment, lo, hi = max(candidates)
        alarms = [r.alarm.to_dict() for r in state.alarms]
        key = (compartment, rate, lo, hi, len(alarms))
        if key == self._key:
            return self._last
        self._key = key
        module = compartment[0]
        latest = state.latest.get(module)
        pressure_pa = float(mmhg_to_pa(latest[1])) if latest is not None else None
        ci = (lo, hi) if np.isfinite(lo) and np.isfinite(hi) and lo > 0.0 else None
        current = CurrentRate(
            rate,
            ci,
            np.datetime64(state.last_grid_ms, "ms").astype("datetime64[ns]"),
            **({"pressure_pa": pressure_pa} if pressure_pa else {}),
            origin="telemetry",
        )
        try:
            assessment = assess_risk(
                module,
                threshold_kg_per_day=self.threshold_kg_per_day,
                horizon_days=self.horizon_days,
                exposed_volume_m3=state.habitat.volume_m3(state.habitat.module_names),
                current=current,
                alarm_steps=steps_from_alarms(alarms, "live alarms"),
            )
        except HullwatchError as exc:
            self._last = {"unavailable": str(exc), "compartment": list(compartment)}
            return self._last
        zone, color = assessment.zone
        self._last = {
            "index": float(assessment.likelihood * assessment.consequence_level),
            "likelihood": assessment.likelihood,
            "consequence": assessment.consequence_level,
            "cell": assessment.cell,
            "zone": zone,
            "color": color,
            "compartment": list(compartment),
            "leak_rate_kg_per_day": rate,
            "probability": float(assessment.exceedance.probability),
            "threshold_kg_per_day": self.threshold_kg_per_day,
            "horizon_days": self.horizon_days,
            "summary": assessment.reasoning()[0],
        }
        return self._last
