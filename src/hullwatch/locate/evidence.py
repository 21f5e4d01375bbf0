"""Evidence for ``hullwatch locate``: each compartment's gas loss under each hatch configuration.

For every hatch configuration in the data and every compartment it makes, the
leak-rate machinery (:func:`hullwatch.analysis.rate.estimate_segments`) gives the
temperature-compensated gas-mass trend with its 95 % interval.  Gas removed by a
depress step inside the configuration is added to the loss, spread over the
configuration's duration (a deliberate depress counts as a "leak" for locating
it); gas added by a repress is not a negative leak and is left out, as in
``hullwatch rate``.  Hatches without a channel are inferred from the pressures,
as ``hullwatch events`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hullwatch.analysis.gasmass import TemperatureOverride
from hullwatch.analysis.rate import SegmentRate, estimate_segments
from hullwatch.errors import AnalysisError
from hullwatch.events import DEFAULT_EVENT_SETTINGS
from hullwatch.events.detect import pressure_span
from hullwatch.events.hatches import infer_hatch_events, with_hatch_states
from hullwatch.habitat import Compartment, Habitat
from hullwatch.habitat.timeline import Configuration
from hullwatch.quantiles import Z95
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import SECONDS_PER_DAY, ZERO_CELSIUS_K


@dataclass(frozen=True)
class Evidence:
    """One compartment under one hatch configuration.

    Attributes
    ----------
    start, end : numpy.datetime64
        The configuration's span, UTC.
    compartment : tuple of str
        Its modules.
    loss_rate_kg_per_day : float
        Gas lost per day: the fitted leak rate plus depress steps over the span. [kg/day]
    sigma_kg_per_day : float
        Standard deviation of that loss rate (Gaussian). [kg/day]
    leak_rate_kg_per_day : float or None
        The fitted leak rate alone (None when the fit could not be made). [kg/day]
    ci95_kg_per_day : tuple of float or None
        Its 95 % interval. [kg/day]
    depress_kg : float
        Gas removed by depress steps. [kg]
    segment : SegmentRate
        The rate machinery's result (for plots).
    """

    start: np.datetime64
    end: np.datetime64
    compartment: Compartment
    loss_rate_kg_per_day: float
    sigma_kg_per_day: float
    leak_rate_kg_per_day: float | None
    ci95_kg_per_day: tuple[float, float] | None
    depress_kg: float
    segment: SegmentRate = field(repr=False, compare=False)

    @property
    def duration_s(self) -> float:
        """Length of the configuration. [s]"""
        return float((self.end - self.start) / np.timedelta64(1, "s"))

    def to_dict(self) -> dict[str, object]:
        """JSON row of the evidence table."""
        return {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "compartment": list(self.compartment),
            "duration_h": self.duration_s / 3600.0,
            "leak_rate_kg_per_day": self.leak_rate_kg_per_day,
            "ci95_kg_per_day": None if self.ci95_kg_per_day is None else list(self.ci95_kg_per_day),
            "depress_kg": self.depress_kg,
            "loss_rate_kg_per_day": self.loss_rate_kg_per_day,
            "sigma_kg_per_day": self.sigma_kg_per_day,
        }


@dataclass
class EvidenceSet:
    """All the evidence in a recording, and what could not be used.

    Attributes
    ----------
    items : list of Evidence
        Usable evidence, in time order.
    closed_hatches : list of str
        Hatches closed at some time in the window.
    skipped : list of str
        Compartments and configurations without evidence, and why.
    assumptions : list of str
        Hatch states and temperatures assumed rather than measured.
    telemetry, habitat
        With inferred hatch states as hatch channels.
    start, end : numpy.datetime64
        Window, UTC.
    """

    items: list[Evidence]
    closed_hatches: list[str]
    skipped: list[str]
    assumptions: list[str]
    telemetry: Telemetry
    habitat: Habitat
    start: np.datetime64
    end: np.datetime64


def _step_sigma_kg(segment: SegmentRate, kind: str, joined: bool = False) -> tuple[float, float]:
    """Mass removed by steps of ``kind`` and its standard deviation. [kg]

    In a segment that began when hatches joined compartments, steps in its first
    ``join_settle_s`` are the join itself (the pressures equalizing), as ``events``
    treats them, not gas leaving the compartment.

    From the step's interval where the fit gave one; else from the residual noise
    (a raw change is the difference of two noisy levels); else, when the segment
    could not be fitted at all, the change's share of an unknown gas temperature:
    ``|dm| * sigma_T / T`` with the assumed-temperature uncertainty of ``events``.
    """
    total, variance = 0.0, 0.0
    settle = np.timedelta64(round(DEFAULT_EVENT_SETTINGS.join_settle_s * 1e9), "ns")
    for step in segment.steps:
        if step.kind != kind or (joined and step.start < segment.start + settle):
            continue
        total -= step.mass_change_kg
        if step.ci95_kg is not None:
            variance += ((step.ci95_kg[1] - step.ci95_kg[0]) / (2 * Z95)) ** 2
        elif segment.noise is not None:
            # A raw change is the difference of two noisy levels.
            variance += 2 * (segment.noise.ou_variance + segment.noise.white_variance)
        else:
            relative = (
                DEFAULT_EVENT_SETTINGS.assumed_temperature_sigma_k / segment.mean_temperature_k
            )
            variance += (step.mass_change_kg * relative) ** 2
    return total, float(np.sqrt(variance))


def evidence_from_segment(segment: SegmentRate, joined: bool = False) -> Evidence | None:
    """The evidence one fitted segment gives, or None when it gives none.

    ``joined``: the segment began when hatches joined compartments that were apart.
    """
    days = float((segment.end - segment.start) / np.timedelta64(1, "s")) / SECONDS_PER_DAY
    if days <= 0:
        return None
    depress_kg, depress_sigma = _step_sigma_kg(segment, "depress", joined)
    rate, ci = segment.leak_rate_kg_per_day, segment.ci95_kg_per_day
    if rate is not None and ci is not None:
        variance = ((ci[1] - ci[0]) / (2 * Z95)) ** 2
        loss = rate
    elif depress_kg > 0:
        variance, loss = 0.0, 0.0
    else:
        return None
    loss += depress_kg / days
    variance += (depress_sigma / days) ** 2
    return Evidence(
        segment.start,
        segment.end,
        tuple(segment.compartment),
        float(loss),
        float(np.sqrt(variance)),
        rate,
        ci,
        float(depress_kg),
        segment,
    )


def _joined(configs: Sequence[Configuration], segment: SegmentRate) -> bool:
    """Whether ``segment`` began when hatches joined modules that were apart."""
    starts = np.array([c.start for c in configs], dtype="datetime64[ns]")
    i = int(np.searchsorted(starts, segment.start, side="right")) - 1
    if i <= 0:
        return False
    modules = set(segment.compartment)
    return not any(modules <= set(c) for c in configs[i - 1].compartments)


def _present(telemetry: Telemetry, habitat: Habitat, compartment: Compartment, q: str) -> bool:
    present = set(telemetry.channels())
    return any(c.id in present for m in compartment for c in habitat.channels_for(m, q))


def gather_evidence(
    telemetry: Telemetry,
    habitat: Habitat,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    infer_hatches: bool = True,
    assumed_temperature_k: float = DEFAULT_EVENT_SETTINGS.assumed_temperature_k,
) -> EvidenceSet:
    """Every compartment's gas loss under every hatch configuration in the window.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI.
    habitat : Habitat
        The habitat.
    start, end : numpy.datetime64, optional
        Window (UTC); by default the span of the pressure channels.
    infer_hatches : bool
        Infer hatches without a channel from the pressures (``hullwatch events``).
    assumed_temperature_k : float
        Gas temperature of a compartment with no temperature channel. [K]

    Returns
    -------
    EvidenceSet

    Raises
    ------
    AnalysisError
        When no pressure channel has data, or no compartment gives any evidence.
    """
    span = pressure_span(telemetry, habitat)
    t0 = span[0] if start is None else start
    t1 = span[1] if end is None else end
    if not t1 > t0:
        raise AnalysisError(f"the window {iso_z(t0)} to {iso_z(t1)} is empty")
    data, hab = telemetry, habitat
    if infer_hatches:
        _, states = infer_hatch_events(telemetry, habitat, t0, t1, DEFAULT_EVENT_SETTINGS)
        data, hab = with_hatch_states(telemetry, habitat, states)
    timeline = data.hatch_timeline(hab)
    assumptions = list(timeline.assumptions_for(t0))
    configs = timeline.configurations(t0, t1)
    closed = sorted({h for c in configs for h in hab.hatch_names if h not in c.open_hatches})
    needed = {(i, comp) for i, c in enumerate(configs) for comp in c.compartments}
    items: dict[tuple[str, str, Compartment], Evidence] = {}
    skipped: list[str] = []
    while needed:
        _, compartment = min(needed)
        module = compartment[0]
        mine = {(i, c.compartment_of(module)) for i, c in enumerate(configs)}
        needed -= mine
        label = ", ".join(compartment)
        if not _present(data, hab, compartment, "pressure"):
            skipped.append(f"compartment {label} has no pressure channel with data")
            continue
        lacking = {
            m for _, comp in mine if not _present(data, hab, comp, "temperature") for m in comp
        }
        override: TemperatureOverride | None = None
        if lacking:
            times = np.array([t0], dtype="datetime64[ns]")
            override = {m: (times, np.array([assumed_temperature_k])) for m in lacking}
            celsius = assumed_temperature_k - ZERO_CELSIUS_K
            assumptions.append(
                f"modules {', '.join(sorted(lacking))} have no temperature channel in some "
                f"configuration: their gas mass assumes {celsius:.1f} degC"
            )
        try:
            segments = estimate_segments(data, hab, module, t0, t1, temperature_override=override)
        except AnalysisError as error:
            skipped.append(f"compartments of {module}: {error}")
            continue
        for segment in segments:
            item = evidence_from_segment(segment, _joined(configs, segment))
            key = (iso_z(segment.start), iso_z(segment.end), tuple(segment.compartment))
            if item is None:
                skipped.append(
                    f"{', '.join(segment.compartment)} from {key[0]} to {key[1]}: "
                    f"{segment.reason or 'no estimate'}"
                )
            elif key not in items:
                items[key] = item
    if not items:
        raise AnalysisError("no compartment gives evidence: " + "; ".join(skipped))
    ordered = sorted(items.values(), key=lambda e: (e.start, e.compartment))
    return EvidenceSet(
        ordered, closed, sorted(set(skipped)), sorted(set(assumptions)), data, hab, t0, t1
    )
