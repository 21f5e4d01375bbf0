"""Rapid depress: a temperature-compensated pressure fall faster than an emergency rate.

At every grid sample the rule looks back over ``window_s``: from the largest gas
mass in that window to now, the fall, expressed as the pressure it makes at the
current temperature (``dm R T / V``), must exceed ``min_drop_pa`` and its mean rate
``rate_pa_per_s``; and the measured pressure must share at least half of that fall
(a temperature channel that steps alone moves the computed mass, not the gas).
Working on gas mass rather than pressure keeps a thermal swing
(1 K moves the cabin by about 2.6 mmHg) from reading as a depress.  The alarm comes
at the first grid sample at which both hold; no further smoothing delays it.  It
is latched until the fall has stayed below the rate for a whole window.  For
``join_settle_s`` after a compartment appears (a hatch joined two), its pressure
is the mean of channels that are still equalizing and moves without gas being
lost (docs/events.md, "Joining compartments"): the rule waits.

The reserve time to the floor (520 mmHg, the ISS "safe physiological limit",
iss-facts.md) is given two ways: at the current rate held constant (the
conservative figure) and for a choked hole, whose flow falls with pressure,
``T = tau ln(P / P_floor)`` (:func:`~hullwatch.physics.leakflow.power_law_time_to_pressure_s`
with n = 1).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from hullwatch.detect.grid import GasSample
from hullwatch.detect.model import Alarm
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.physics.leakflow import power_law_time_to_pressure_s
from hullwatch.units import SECONDS_PER_HOUR, SECONDS_PER_MINUTE, pa_to_mmhg


def reserve_times_s(
    pressure_pa: float, rate_pa_per_s: float, floor_pa: float
) -> tuple[float, float]:
    """Time to ``floor_pa`` at a constant fall rate, and for a choked hole.

    Parameters
    ----------
    pressure_pa : float
        Pressure now. [Pa]
    rate_pa_per_s : float
        Fall rate now, positive. [Pa/s]
    floor_pa : float
        Floor. [Pa]

    Returns
    -------
    linear, choked : float
        Reserve times; 0 at or below the floor. [s]

    Examples
    --------
    >>> [round(t / 60) for t in reserve_times_s(100_000.0, 10.0, 69_328.0)]
    [51, 61]
    """
    if pressure_pa <= floor_pa:
        return 0.0, 0.0
    linear = (pressure_pa - floor_pa) / rate_pa_per_s
    choked = power_law_time_to_pressure_s(pressure_pa, floor_pa, rate_pa_per_s / pressure_pa, 1.0)
    return float(linear), float(choked)


class RapidDepressRule:
    """Per-compartment rapid-depress detector on the gas-mass grid.

    Parameters
    ----------
    rate_pa_per_s : float
        Alarm rate. [Pa/s]
    min_drop_pa : float
        Smallest fall (at the current temperature) that can raise it. [Pa]
    window_s : float
        Look-back. [s]
    floor_pa : float
        Floor for the reserve time. [Pa]
    gas : Gas
        The cabin gas.
    join_settle_s : float
        Wait after the compartment appears. [s]
    """

    def __init__(
        self,
        rate_pa_per_s: float,
        min_drop_pa: float,
        window_s: float,
        floor_pa: float,
        gas: Gas = CABIN_AIR,
        join_settle_s: float = 600.0,
    ) -> None:
        self.rate_pa_per_s = rate_pa_per_s
        self.min_drop_pa = min_drop_pa
        self.window_ns = int(window_s * 1e9)
        self.floor_pa = floor_pa
        self.gas = gas
        self.buffer: deque[tuple[int, float, float]] = deque()
        self.latched_until: int | None = None
        self.join_settle_ns = int(join_settle_s * 1e9)
        self.armed_at: int | None = None

    def reset(self) -> None:
        """Forget the look-back (the compartment changed)."""
        self.buffer.clear()
        self.latched_until = None
        self.armed_at = None

    def update(self, sample: GasSample) -> Alarm | None:
        """Take one grid sample; return an alarm if the fall is rapid and not latched."""
        now = int(sample.time.astype("datetime64[ns]").astype(np.int64))
        if self.armed_at is None:
            self.armed_at = now + self.join_settle_ns
        if not np.isfinite(sample.mass_kg):
            return None
        if now < self.armed_at:
            self.buffer.clear()
            return None
        self.buffer.append((now, sample.mass_kg, sample.pressure_pa))
        while self.buffer and self.buffer[0][0] < now - self.window_ns:
            self.buffer.popleft()
        times = np.array([t for t, _, _ in self.buffer])
        masses = np.array([m for _, m, _ in self.buffer])
        pressures = np.array([p for _, _, p in self.buffer])
        top = int(np.argmax(masses))
        to_pa = self.gas.gas_constant_j_per_kg_k * sample.temperature_k / sample.volume_m3
        drop_pa = (masses[top] - sample.mass_kg) * to_pa
        # The fall began after the last sample still near the top (within a fifth of
        # the smallest alarming drop: sensor noise); its rate is measured from there.
        near_top = masses >= masses[top] - 0.2 * self.min_drop_pa / to_pa
        last = int(np.flatnonzero(near_top).max())
        elapsed = (now - times[last]) / 1e9
        rate = drop_pa / elapsed if elapsed > 0 else 0.0
        shared = pressures[top] - sample.pressure_pa >= 0.5 * drop_pa
        rapid = drop_pa >= self.min_drop_pa and rate >= self.rate_pa_per_s and shared
        if self.latched_until is not None:
            if rapid:
                self.latched_until = now + self.window_ns
                return None
            if now < self.latched_until:
                return None
            self.latched_until = None
        if not rapid:
            return None
        self.latched_until = now + self.window_ns
        onset = np.datetime64(int(times[last]), "ns")
        after = np.datetime64(int(times[min(last + 1, times.size - 1)]), "ns")
        linear, choked = reserve_times_s(sample.pressure_pa, rate, self.floor_pa)
        mass_rate = rate / to_pa
        floor = float(pa_to_mmhg(self.floor_pa))
        message = (
            f"rapid depress of {', '.join(sample.compartment)}: "
            f"{float(pa_to_mmhg(rate)) * SECONDS_PER_MINUTE:.2f} mmHg/min at "
            f"{float(pa_to_mmhg(sample.pressure_pa)):.1f} mmHg; reserve time to {floor:.0f} mmHg "
            f"{linear / SECONDS_PER_HOUR:.2f} h at this rate "
            f"({choked / SECONDS_PER_HOUR:.2f} h for a choked hole)"
        )
        return Alarm(
            time=sample.time,
            kind="rapid_depress",
            compartment=sample.compartment,
            onset_estimate=onset,
            onset_ci95=(onset, after),
            leak_rate_kg_per_s=mass_rate,
            leak_rate_ci95_kg_per_s=None,
            message=message,
            pressure_pa=sample.pressure_pa,
            pressure_rate_pa_per_s=rate,
            reserve_time_s=linear,
        )
