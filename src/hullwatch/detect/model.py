"""What ``hullwatch detect`` and ``watch`` report: alarms and stream events, and their JSON.

Values are SI inside; :meth:`Alarm.to_dict` converts to kg/day, lb/day, mmHg and
hours for the JSON of formats.md section 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.habitat import Compartment
from hullwatch.telemetry import iso_z
from hullwatch.units import (
    SECONDS_PER_HOUR,
    SECONDS_PER_MINUTE,
    kg_per_day_to_lb_per_day,
    kg_per_s_to_kg_per_day,
    pa_to_mmhg,
)

#: Alarm kinds.
ALARM_KINDS = ("leak_onset", "leak_increase", "rapid_depress")


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


@dataclass(frozen=True)
class Alarm:
    """One alarm, raised from the samples up to ``time`` alone.

    Attributes
    ----------
    time : numpy.datetime64
        When it was raised (UTC): the last sample it used.
    kind : str
        One of :data:`ALARM_KINDS`.
    compartment : tuple of str
        The compartment's modules.
    onset_estimate : numpy.datetime64
        Estimated start of the leak or depress.
    onset_ci95 : tuple of numpy.datetime64
        95 % interval of the onset.
    leak_rate_kg_per_s : float
        Gas lost per second since the onset, leak-free reference removed. [kg/s]
    leak_rate_ci95_kg_per_s : tuple of float or None
        Its 95 % interval; None for a rapid depress, whose rate is read from two
        points of a fast fall. [kg/s]
    message : str
        One line for an operator.
    statistic, threshold : float or None
        CUSUM score and threshold for leak alarms. [-]
    pressure_pa : float
        Compartment pressure at ``time``. [Pa]
    pressure_rate_pa_per_s : float or None
        Temperature-compensated pressure fall rate (rapid depress). [Pa/s]
    reserve_time_s : float or None
        Time to the floor pressure at the current fall (rapid depress). [s]
    """

    time: np.datetime64
    kind: str
    compartment: Compartment
    onset_estimate: np.datetime64
    onset_ci95: tuple[np.datetime64, np.datetime64]
    leak_rate_kg_per_s: float
    leak_rate_ci95_kg_per_s: tuple[float, float] | None
    message: str
    pressure_pa: float
    statistic: float | None = None
    threshold: float | None = None
    pressure_rate_pa_per_s: float | None = None
    reserve_time_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The alarm's entry in the ``alarms`` list (formats.md section 3)."""
        rate = float(kg_per_s_to_kg_per_day(self.leak_rate_kg_per_s))
        out: dict[str, Any] = {
            "time": iso_z(self.time),
            "kind": self.kind,
            "compartment": list(self.compartment),
            "onset_estimate": iso_z(self.onset_estimate),
            "onset_ci95": [iso_z(t) for t in self.onset_ci95],
            "leak_rate_kg_per_day": _round(rate),
            "leak_rate_lb_per_day": _round(float(kg_per_day_to_lb_per_day(rate))),
            "leak_rate_ci95_kg_per_day": None
            if self.leak_rate_ci95_kg_per_s is None
            else [_round(float(kg_per_s_to_kg_per_day(v))) for v in self.leak_rate_ci95_kg_per_s],
            "pressure_mmHg": _round(float(pa_to_mmhg(self.pressure_pa)), 2),
            "message": self.message,
        }
        if self.statistic is not None:
            out["statistic"] = _round(self.statistic, 3)
            out["threshold"] = _round(self.threshold, 3)
        if self.pressure_rate_pa_per_s is not None:
            out["rate_mmHg_per_min"] = _round(
                float(pa_to_mmhg(self.pressure_rate_pa_per_s)) * SECONDS_PER_MINUTE, 3
            )
        if self.reserve_time_s is not None:
            out["reserve_time_h"] = _round(self.reserve_time_s / SECONDS_PER_HOUR, 3)
        return out


@dataclass(frozen=True)
class StreamEvent:
    """Something seen while monitoring that is not an alarm.

    Attributes
    ----------
    kind : str
        ``repress`` or ``depress`` (a gas step, cut out of the statistic),
        ``hatch_open``/``hatch_close`` (a hatch channel changed), ``loss_of_signal``
        (no row for longer than the stale limit), or ``model_ready`` (a compartment's
        noise model was fitted and monitoring began).
    start, end : numpy.datetime64
        Span (UTC).
    detail : dict
        Kind-specific JSON-ready fields (``compartment``, ``mass_change_kg``, ``hatch``...).
    """

    kind: str
    start: np.datetime64
    end: np.datetime64
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "start": iso_z(self.start), "end": iso_z(self.end)} | dict(
            self.detail
        )
