"""The gas mass of every compartment under every hatch configuration of a window.

Events are looked for compartment by compartment: each distinct (compartment, span)
of the hatch timeline gets one :class:`~hullwatch.analysis.gasmass.GasMassSegment`.
A compartment without a temperature channel takes an assumed constant temperature
(:attr:`EventSettings.assumed_temperature_k`), and says so; one without a pressure
channel cannot show events, and that is said too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hullwatch.analysis.gasmass import GasMassSegment, TemperatureOverride, gas_mass_segments
from hullwatch.errors import AnalysisError
from hullwatch.events.model import EventSettings
from hullwatch.habitat import Compartment, Habitat
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import ZERO_CELSIUS_K


@dataclass(frozen=True)
class CompartmentSegment:
    """One compartment's gas mass over one span of constant compartment.

    Attributes
    ----------
    segment : GasMassSegment
        The gas mass on the rate settings' grid.
    joined : bool
        The span began when hatches joined modules that were apart.
    temperature_assumed : bool
        No temperature channel: ``assumed_temperature_k`` was used.
    """

    segment: GasMassSegment
    joined: bool
    temperature_assumed: bool


def _spans(
    telemetry: Telemetry, habitat: Habitat, start: np.datetime64, end: np.datetime64
) -> list[tuple[np.datetime64, np.datetime64, Compartment, bool]]:
    """Distinct ``(start, end, compartment, joined)`` of every module, in time order."""
    configs = telemetry.hatch_timeline(habitat).configurations(start, end)
    seen: dict[tuple[np.datetime64, Compartment], tuple[np.datetime64, bool]] = {}
    for module in habitat.module_names:
        current: tuple[np.datetime64, Compartment, bool] | None = None
        for index, config in enumerate(configs):
            compartment = config.compartment_of(module)
            if current is not None and current[1] == compartment:
                continue
            if current is not None:
                seen.setdefault((current[0], current[1]), (config.start, current[2]))
            joined = (
                index > 0 and len({configs[index - 1].compartment_of(m) for m in compartment}) > 1
            )
            current = (config.start, compartment, joined)
        if current is not None:
            seen.setdefault((current[0], current[1]), (configs[-1].end, current[2]))
    spans = [(s, e, c, j) for (s, c), (e, j) in seen.items()]
    return sorted(spans, key=lambda x: (x[0], habitat.module_names.index(x[2][0])))


def compartment_segments(
    telemetry: Telemetry,
    habitat: Habitat,
    start: np.datetime64,
    end: np.datetime64,
    settings: EventSettings,
) -> tuple[list[CompartmentSegment], list[str]]:
    """Gas mass of every compartment with a pressure channel, per hatch configuration.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI, with any inferred hatch states as hatch channels.
    habitat : Habitat
        The habitat (with the channels of inferred hatches).
    start, end : numpy.datetime64
        Window, UTC.
    settings : EventSettings
        Grid spacing (``settings.rate.grid_s``) and the assumed temperature.

    Returns
    -------
    segments : list of CompartmentSegment
        In time order.
    notes : list of str
        Assumptions made: temperatures assumed, compartments without pressure.
    """
    present = set(telemetry.channels())
    notes: list[str] = []
    out: list[CompartmentSegment] = []
    for s, e, compartment, joined in _spans(telemetry, habitat, start, end):
        channels = {
            q: [c for m in compartment for c in habitat.channels_for(m, q)]
            for q in ("pressure", "temperature")
        }
        if not any(c.id in present for c in channels["pressure"]):
            notes.append(
                f"compartment {', '.join(compartment)} has no pressure channel with data "
                f"from {iso_z(s)} to {iso_z(e)}: no events can be seen in it"
            )
            continue
        override: TemperatureOverride | None = None
        assumed = not any(c.id in present for c in channels["temperature"])
        if assumed:
            kelvin = settings.assumed_temperature_k
            times = np.array([s], dtype="datetime64[ns]")
            override = {m: (times, np.array([kelvin])) for m in compartment}
            notes.append(
                f"compartment {', '.join(compartment)} has no temperature channel: its gas "
                f"mass assumes {kelvin - ZERO_CELSIUS_K:.1f} degC "
                f"(+/- {settings.assumed_temperature_sigma_k:.1f} K)"
            )
        try:
            segments = gas_mass_segments(
                telemetry,
                habitat,
                compartment[0],
                s,
                e,
                grid_s=settings.rate.grid_s,
                temperature_override=override,
            )
        except AnalysisError:
            continue  # shorter than two grid points: nothing to see
        out += [CompartmentSegment(seg, joined, assumed) for seg in segments]
    return out, sorted(set(notes))
