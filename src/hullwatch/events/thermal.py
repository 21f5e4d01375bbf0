"""Thermal transients: a temperature step that moves the pressure but not the gas mass.

At fixed gas mass, ``P / T`` is constant, so a step of ``dT`` moves the pressure by
``P dT / T``: about 2.6 mmHg per kelvin in the cabin (iss-facts.md).  Read as
pressure alone, that is a repress or a sudden leak; in the temperature-compensated
gas mass it is nothing.  A thermal transient is reported where the compartment's
temperature steps (found by :func:`hullwatch.analysis.steps.find_steps`), the
pressure follows it, and the gas mass does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hullwatch.analysis.steps import find_steps
from hullwatch.events.gas import endpoint_change
from hullwatch.events.model import EventSettings, GasEvent, ThermalTransient
from hullwatch.events.segments import CompartmentSegment


def thermal_transients(
    cseg: CompartmentSegment,
    settings: EventSettings,
    gas: Sequence[GasEvent] = (),
) -> list[ThermalTransient]:
    """Thermal transients of one compartment segment.

    Parameters
    ----------
    cseg : CompartmentSegment
        The compartment's gas mass, pressure and effective temperature.
    settings : EventSettings
        Smallest temperature step, the endpoint window and the step threshold.
    gas : sequence of GasEvent
        Gas steps already found in the segment: a temperature step within one (plus
        the settling time) moved gas and is not a thermal transient.

    Returns
    -------
    list of ThermalTransient
        Empty where the temperature is assumed rather than measured.
    """
    if cseg.temperature_assumed:
        return []
    segment = cseg.segment
    temperature = segment.temperature_k
    steps = find_steps(
        temperature,
        threshold_sigmas=settings.rate.step_threshold_sigmas,
        min_step_kg=settings.min_temperature_step_k,  # the threshold is in kelvin here
    )
    points = max(1, round(settings.endpoint_window_s / settings.rate.grid_s))
    settle = np.timedelta64(round(settings.rate.settle_s * 1e9), "ns")
    out = []
    for step in steps:
        first, last = step.first, step.last + 1
        start, end = segment.time[first], segment.time[last]
        if any(g.start - settle <= end and start <= g.end + settle for g in gas):
            continue
        d_temperature, *_, t_before, _ = endpoint_change(temperature, first, last, points)
        d_pressure, *_, p_before, _ = endpoint_change(segment.pressure_pa, first, last, points)
        d_mass, *_, m_before, _ = endpoint_change(segment.mass_kg, first, last, points)
        if not np.isfinite(d_temperature + d_pressure + d_mass):
            continue
        if abs(d_temperature) < settings.min_temperature_step_k:
            continue
        expected = d_temperature / t_before
        follows = np.sign(d_pressure) == np.sign(d_temperature) and abs(
            d_pressure / p_before
        ) >= 0.5 * abs(expected)
        if follows and abs(d_mass / m_before) <= 0.5 * abs(expected):
            out.append(
                ThermalTransient(
                    "thermal_transient",
                    start,
                    end,
                    compartment=segment.compartment,
                    temperature_change_k=d_temperature,
                    pressure_change_pa=d_pressure,
                    mass_change_kg=d_mass,
                )
            )
    return out
