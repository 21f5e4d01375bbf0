"""The leak rate over time: :func:`~hullwatch.analysis.leakrate.leak_rate` in sliding windows.

The leak-rate estimator gives one rate per hatch configuration. To see how the rate
moved within a long configuration (a growing crack, a repair), the report runs the
same estimator over windows of fixed length that slide along the data. Each window
gives one estimate, with its 95 % interval, per configuration it holds; a
configuration cut too short by the window's edges gives a reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import SECONDS_PER_DAY

#: Default window length and step of the rolling leak rate. [s]
DEFAULT_WINDOW_S = SECONDS_PER_DAY
DEFAULT_STEP_S = SECONDS_PER_DAY / 2.0
#: Most windows evaluated (the step grows for long recordings).
MAX_WINDOWS = 120


@dataclass(frozen=True)
class WindowRate:
    """The leak rate of one configuration within one window.

    Attributes
    ----------
    start, end : numpy.datetime64
        The part of the window in this configuration (UTC).
    compartment : tuple of str
        The compartment's modules.
    leak_rate_kg_per_day : float or None
        Mean leak rate over ``start``-``end``. [kg/day]
    ci95_kg_per_day : tuple of float or None
        Its 95 % interval. [kg/day]
    reason : str or None
        Why there is no estimate.
    """

    start: np.datetime64
    end: np.datetime64
    compartment: tuple[str, ...]
    leak_rate_kg_per_day: float | None
    ci95_kg_per_day: tuple[float, float] | None
    reason: str | None = None

    @property
    def middle(self) -> np.datetime64:
        """Middle of the interval (UTC)."""
        return self.start + (self.end - self.start) / 2

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "compartment": list(self.compartment),
            "leak_rate_kg_per_day": self.leak_rate_kg_per_day,
            "ci95_kg_per_day": None if self.ci95_kg_per_day is None else list(self.ci95_kg_per_day),
            "reason": self.reason,
        }


def window_starts(
    start: np.datetime64, end: np.datetime64, window_s: float, step_s: float
) -> list[np.datetime64]:
    """Starts of the windows covering ``start``-``end`` (the last one ends at ``end``).

    Parameters
    ----------
    start, end : numpy.datetime64
        The span (UTC).
    window_s, step_s : float
        Window length and step; when that makes more than :data:`MAX_WINDOWS`
        windows, :data:`MAX_WINDOWS` are spread evenly instead. [s]

    Returns
    -------
    list of numpy.datetime64
        Empty when the span is shorter than one window.

    Examples
    --------
    >>> t0 = np.datetime64("2026-05-01T00:00", "ns")
    >>> [str(t)[:16] for t in window_starts(t0, t0 + np.timedelta64(2, "D"), 86400.0, 43200.0)]
    ['2026-05-01T00:00', '2026-05-01T12:00', '2026-05-02T00:00']
    """
    if not window_s > 0 or not step_s > 0:
        raise InputError("the rolling window and its step must be positive", field="window_s")
    span_ns = int((end - start) / np.timedelta64(1, "ns"))
    width_ns = round(window_s * 1e9)
    if span_ns < width_ns:
        return []
    room_ns = span_ns - width_ns
    step_ns = max(1, round(step_s * 1e9))
    offsets = list(range(0, room_ns + 1, step_ns))
    if offsets[-1] < room_ns:
        offsets.append(room_ns)
    if len(offsets) > MAX_WINDOWS:
        offsets = [round(x) for x in np.linspace(0.0, float(room_ns), MAX_WINDOWS)]
    return [start + np.timedelta64(k, "ns") for k in offsets]


def rolling_leak_rate(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    *,
    window_s: float = DEFAULT_WINDOW_S,
    step_s: float = DEFAULT_STEP_S,
    settings: RateSettings = DEFAULT_SETTINGS,
) -> list[WindowRate]:
    """The leak rate of ``module``'s compartment in windows sliding over the data.

    Parameters
    ----------
    telemetry : Telemetry
        The recording.
    habitat : Habitat
        The habitat.
    module : str
        Any module of the compartment.
    window_s, step_s : float
        Window length and step. [s]
    settings : RateSettings
        Estimator tuning (a window shorter than ``settings.min_usable_h`` gives no rate).

    Returns
    -------
    list of WindowRate
        One per configuration per window, in window order.

    Raises
    ------
    InputError
        For an unknown module or a window or step that is not positive.
    """
    habitat.module(module)
    t0, t1 = telemetry.span()
    out: list[WindowRate] = []
    width = np.timedelta64(round(window_s * 1e9), "ns")
    for start in window_starts(t0, t1, window_s, step_s):
        end = start + width
        try:
            result = leak_rate(telemetry, habitat, module, start, end, settings=settings)
        except AnalysisError as error:
            out.append(WindowRate(start, end, (module,), None, None, str(error)))
            continue
        for s in result.segments:
            out.append(
                WindowRate(
                    s.start,
                    s.end,
                    tuple(s.compartment),
                    s.leak_rate_kg_per_day,
                    s.ci95_kg_per_day,
                    s.reason,
                )
            )
    return out
