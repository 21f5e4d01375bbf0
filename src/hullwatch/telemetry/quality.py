"""Data-quality report of a telemetry file: what is there, what is missing, what looks wrong.

Per channel it gives the sample count, span and median sample interval, and finds:

* **gaps**: intervals between consecutive samples longer than
  :data:`GAP_FACTOR` times the channel's median interval;
* **flat-lined stretches**: the value stays identical (repeated, or simply not
  reported, as report-on-change channels do) for longer than
  ``max(FLAT_FACTOR x median interval, FLAT_MIN_S)`` *while the telemetry as a
  whole kept reporting*: no silence of all channels as long as that threshold falls
  inside the stretch. A stretch runs from the sample where the value took its level
  to the first sample with another value (or the channel's last sample). Silence of
  every channel is loss of signal, a gap, not a flat line. Hatch and status channels
  are sent on change and hold their state, so they are not checked;
* **spikes**: a run of at most :data:`SPIKE_MAX_POINTS` samples deviating from the
  rolling median (:data:`SPIKE_WINDOW` samples, centred) by more than
  :data:`SPIKE_MADS` scaled MADs, with the samples on both sides back within it
  (a level shift is not a spike). The MAD is that of the residuals over
  :data:`SPIKE_SCALE_WINDOW` samples, floored at :data:`SPIKE_GLOBAL_FLOOR` times the
  channel's overall MAD of non-zero residuals (a window that mostly repeats one value
  has a MAD of zero) and at its quantisation step (the smallest change between
  samples), so single-step flicker of quantised data is not a spike.

Report-on-change channels (ISSLive) send a sample only when the value changes, so
their gaps are often just a steady value. **Signal gaps**, when no channel at all
reports for longer than ``max(GAP_FACTOR x median interval of all samples,
SIGNAL_GAP_MIN_S)``, are loss of signal and are listed for the whole file.

It also lists channels the habitat lacks (with row counts), habitat channels with no
data, the hatch configurations seen, and what reading skipped or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from hullwatch.habitat import Channel, Habitat
from hullwatch.telemetry.frame import FloatArray, Telemetry, TimeArray
from hullwatch.units import from_si

#: A gap is an interval longer than this many median sample intervals.
GAP_FACTOR = 5.0
#: A signal gap (no channel reports at all) lasts at least this long. [s]
SIGNAL_GAP_MIN_S = 60.0
#: A flat line lasts longer than this many median sample intervals ...
FLAT_FACTOR = 50.0
#: ... and longer than this. [s]
FLAT_MIN_S = 3600.0
#: Spike test: rolling-median window [samples], threshold [scaled MADs], longest spike [samples].
SPIKE_WINDOW = 11
#: The MAD is the rolling median of the absolute residuals over this many samples ...
SPIKE_SCALE_WINDOW = 5 * SPIKE_WINDOW
#: ... but at least this fraction of the channel's overall MAD, taken over the
#: non-zero residuals (the MAD of a window that is mostly one repeated value is zero).
SPIKE_GLOBAL_FLOOR = 0.5
SPIKE_MADS = 8.0
SPIKE_MAX_POINTS = 3
#: MAD of a normal distribution times this is its standard deviation.
MAD_TO_SIGMA = 1.4826
#: At most this many gaps, flat lines, spikes or configurations are listed (the
#: longest or largest), with the full count alongside.
MAX_LISTED = 100
#: Quantities sent on change that hold their state (not checked for flat lines or spikes).
STATE_QUANTITIES = ("hatch", "status")

_NS = 1e9


def iso_z(time: np.datetime64) -> str:
    """A UTC time as ISO 8601 ending in ``Z``, to the millisecond.

    Examples
    --------
    >>> iso_z(np.datetime64("2026-05-01T00:00:01.5", "ns"))
    '2026-05-01T00:00:01.500Z'
    """
    millis = np.asarray(time).astype("datetime64[ms]")
    return str(np.datetime_as_string(millis, unit="ms")) + "Z"


@dataclass(frozen=True)
class Interval:
    """A gap or a flat-lined stretch of one channel.

    Parameters
    ----------
    start, end : numpy.datetime64
        UTC.
    value : float or None
        For a flat line, the value held, in the channel's file unit.
    """

    start: np.datetime64
    end: np.datetime64
    value: float | None = None

    @property
    def duration_s(self) -> float:
        """Length. [s]"""
        return float((self.end - self.start) / np.timedelta64(1, "ns")) / _NS

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "duration_s": round(self.duration_s, 3),
        }
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True)
class Spike:
    """The most deviant sample of a spike, values in the channel's file unit."""

    time: np.datetime64
    value: float
    baseline: float
    deviation_mads: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": iso_z(self.time),
            "value": self.value,
            "baseline": self.baseline,
            "deviation_mads": round(self.deviation_mads, 1),
        }


@dataclass
class ChannelQuality:
    """Quality figures of one channel; values in the channel's file unit.

    Attributes
    ----------
    channel : Channel
        The habitat's description of the channel.
    samples : int
        Samples after reading (duplicates dropped).
    start, end : numpy.datetime64
        First and last sample, UTC.
    median_interval_s : float or None
        Median time between samples (``None`` for a single sample). [s]
    min_value, max_value : float
        Range of the values, in the channel's unit.
    gaps, flat_lines, spikes : list
        The :data:`MAX_LISTED` longest or largest of each, in time order.
    gap_count, flat_line_count, spike_count : int
        How many of each there are in all.
    duplicates_dropped, conflicting_duplicates, out_of_order_rows : int
        What reading found in this channel's rows.
    """

    channel: Channel
    samples: int
    start: np.datetime64
    end: np.datetime64
    median_interval_s: float | None
    min_value: float
    max_value: float
    gaps: list[Interval]
    gap_count: int
    flat_lines: list[Interval]
    flat_line_count: int
    spikes: list[Spike]
    spike_count: int
    duplicates_dropped: int = 0
    conflicting_duplicates: int = 0
    out_of_order_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        where = {"module": self.channel.module} if self.channel.module else {}
        if self.channel.hatch:
            where = {"hatch": self.channel.hatch}
        return {
            "channel": self.channel.id,
            "quantity": self.channel.quantity,
            **where,
            "unit": self.channel.unit,
            "samples": self.samples,
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "median_interval_s": _round(self.median_interval_s),
            "min_value": self.min_value,
            "max_value": self.max_value,
            "gap_count": self.gap_count,
            "gaps": [g.to_dict() for g in self.gaps],
            "flat_line_count": self.flat_line_count,
            "flat_lines": [f.to_dict() for f in self.flat_lines],
            "spike_count": self.spike_count,
            "spikes": [s.to_dict() for s in self.spikes],
            "duplicates_dropped": self.duplicates_dropped,
            "conflicting_duplicates": self.conflicting_duplicates,
            "out_of_order_rows": self.out_of_order_rows,
        }


@dataclass(frozen=True)
class HatchConfiguration:
    """A hatch configuration held over an interval.

    ``open`` and ``closed`` list the hatches whose channels have data; ``compartments``
    counts the compartments of the whole habitat (hatches without data taken as open).
    """

    start: np.datetime64
    end: np.datetime64
    open: tuple[str, ...]
    closed: tuple[str, ...]
    compartments: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "open": list(self.open),
            "closed": list(self.closed),
            "compartments": self.compartments,
        }


@dataclass
class QualityReport:
    """What :func:`quality_report` found; :meth:`to_dict` is JSON-safe.

    Attributes
    ----------
    source, habitat : str
        The telemetry file and the habitat's name.
    samples : int
        Samples of all channels.
    start, end : numpy.datetime64 or None
        Span of all samples, UTC (``None`` without samples).
    channels : list of ChannelQuality
        One per channel with samples, by channel id.
    signal_gaps : list of Interval
        The longest intervals when no channel reported; ``signal_gap_count`` in all.
    unknown_channels : dict
        Channel id -> rows skipped because the habitat has no such channel.
    missing_channels : list of str
        Habitat channels without samples.
    hatch_configurations : list of HatchConfiguration
        Configurations held over the span (the first :data:`MAX_LISTED`);
        ``hatch_configuration_count`` in all.
    skipped_rows, duplicates_dropped, conflicting_duplicates, out_of_order_rows : int
        What reading skipped, dropped or reordered.
    assumptions, warnings : list of str
        Hatches taken as open for lack of data; the reader's warnings.
    """

    source: str
    habitat: str
    samples: int
    start: np.datetime64 | None
    end: np.datetime64 | None
    channels: list[ChannelQuality]
    signal_gaps: list[Interval]
    signal_gap_count: int
    unknown_channels: dict[str, int]
    missing_channels: list[str]
    hatch_configurations: list[HatchConfiguration]
    hatch_configuration_count: int
    skipped_rows: int
    duplicates_dropped: int
    conflicting_duplicates: int
    out_of_order_rows: int
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON types; times ISO 8601 UTC ending in ``Z``."""
        return {
            "source": self.source,
            "habitat": self.habitat,
            "samples": self.samples,
            "start": iso_z(self.start) if self.start is not None else None,
            "end": iso_z(self.end) if self.end is not None else None,
            "channels": [c.to_dict() for c in self.channels],
            "signal_gap_count": self.signal_gap_count,
            "signal_gaps": [g.to_dict() for g in self.signal_gaps],
            "unknown_channels": dict(sorted(self.unknown_channels.items())),
            "missing_channels": list(self.missing_channels),
            "hatch_configuration_count": self.hatch_configuration_count,
            "hatch_configurations": [h.to_dict() for h in self.hatch_configurations],
            "skipped_rows": self.skipped_rows,
            "duplicates_dropped": self.duplicates_dropped,
            "conflicting_duplicates": self.conflicting_duplicates,
            "out_of_order_rows": self.out_of_order_rows,
            "thresholds": {
                "gap_factor": GAP_FACTOR,
                "signal_gap_min_s": SIGNAL_GAP_MIN_S,
                "flat_factor": FLAT_FACTOR,
                "flat_min_s": FLAT_MIN_S,
                "spike_window": SPIKE_WINDOW,
                "spike_mads": SPIKE_MADS,
            },
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }

    def summary_lines(self) -> list[str]:
        """A few lines of plain text: what was read and what looks wrong."""
        lines = [
            f"{self.source}: {self.samples:,} samples of {len(self.channels)} channel(s)"
            f" (habitat {self.habitat})"
        ]
        if self.start is not None and self.end is not None:
            lines.append(f"from {iso_z(self.start)} to {iso_z(self.end)}")
        counts = [
            (self.signal_gap_count, "signal gap(s) (no channel reporting)"),
            (
                sum(c.gap_count for c in self.channels),
                "channel gap(s) over 5x their median interval (a report-on-change channel"
                " is quiet while its value holds)",
            ),
            (sum(c.flat_line_count for c in self.channels), "flat-lined stretch(es)"),
            (sum(c.spike_count for c in self.channels), "spike(s)"),
        ]
        found = [f"{n} {what}" for n, what in counts if n]
        lines.append("found " + (", ".join(found) if found else "no gaps, flat lines or spikes"))
        if self.missing_channels:
            lines.append(f"{len(self.missing_channels)} habitat channel(s) have no data")
        if self.hatch_configuration_count:
            lines.append(f"{self.hatch_configuration_count} hatch configuration(s)")
        lines.extend(self.warnings)
        return lines


def quality_report(telemetry: Telemetry, habitat: Habitat) -> QualityReport:
    """Check a telemetry file's quality.

    Parameters
    ----------
    telemetry : Telemetry
        As read by :func:`~hullwatch.telemetry.read_telemetry`.
    habitat : Habitat
        The habitat it was read with.

    Returns
    -------
    QualityReport
    """
    present = telemetry.channels()
    channel_map = habitat.channel_map
    all_times = _all_times(telemetry)
    channels = []
    for channel_id in present:
        times, values = telemetry.channel(channel_id)
        channels.append(
            _channel_quality(channel_map[channel_id], times, values, all_times, telemetry)
        )
    signal_gaps, signal_gap_count = _signal_gaps(all_times)
    start = end = None
    configurations: list[HatchConfiguration] = []
    count = 0
    assumptions: list[str] = []
    if len(telemetry):
        start, end = telemetry.span()
        configurations, count, assumptions = _configurations(telemetry, habitat, start, end)
    return QualityReport(
        source=telemetry.source,
        habitat=habitat.name,
        samples=len(telemetry),
        start=start,
        end=end,
        channels=channels,
        signal_gaps=signal_gaps,
        signal_gap_count=signal_gap_count,
        unknown_channels=dict(telemetry.unknown_channels),
        missing_channels=[c.id for c in habitat.channels if c.id not in set(present)],
        hatch_configurations=configurations,
        hatch_configuration_count=count,
        skipped_rows=telemetry.skipped_rows,
        duplicates_dropped=telemetry.duplicates_dropped,
        conflicting_duplicates=telemetry.conflicting_duplicates,
        out_of_order_rows=telemetry.out_of_order_rows,
        assumptions=assumptions,
        warnings=list(telemetry.warnings),
    )


def _all_times(telemetry: Telemetry) -> npt.NDArray[np.int64]:
    """Sample times of all channels, sorted, repeats kept [ns since 1970]."""
    return np.sort(telemetry.samples["time"].to_numpy(dtype="datetime64[ns]").view(np.int64))


def _channel_quality(
    channel: Channel,
    times: TimeArray,
    values_si: FloatArray,
    all_times: npt.NDArray[np.int64],
    telemetry: Telemetry,
) -> ChannelQuality:
    t = times.view(np.int64)
    values = np.asarray(from_si(values_si, channel.unit), dtype=np.float64)
    step_s = np.diff(t) / _NS
    median = float(np.median(step_s)) if step_s.size else None
    gaps: list[Interval] = []
    gap_count = 0
    if median is not None and median > 0:
        gap_at = np.flatnonzero(step_s > GAP_FACTOR * median)
        gap_count = int(gap_at.size)
        longest = _largest(step_s[gap_at])
        gaps = [Interval(times[i], times[i + 1]) for i in np.sort(gap_at[longest])]
    flats: list[Interval] = []
    flat_count = 0
    spikes: list[Spike] = []
    spike_count = 0
    if channel.quantity not in STATE_QUANTITIES:
        flats, flat_count = _flat_lines(times, values, median, all_times)
        spikes, spike_count = _spikes(times, values)
    issues = telemetry.channel_issues.get(channel.id)
    return ChannelQuality(
        channel=channel,
        samples=int(t.size),
        start=times[0],
        end=times[-1],
        median_interval_s=median,
        min_value=float(values.min()),
        max_value=float(values.max()),
        gaps=gaps,
        gap_count=gap_count,
        flat_lines=flats,
        flat_line_count=flat_count,
        spikes=spikes,
        spike_count=spike_count,
        duplicates_dropped=issues.duplicates_dropped if issues else 0,
        conflicting_duplicates=issues.conflicting_duplicates if issues else 0,
        out_of_order_rows=issues.out_of_order_rows if issues else 0,
    )


def _signal_gaps(all_times: npt.NDArray[np.int64]) -> tuple[list[Interval], int]:
    """Intervals when no channel reported (see the module docstring)."""
    if all_times.size < 2:
        return [], 0
    step_s = np.diff(all_times) / _NS
    moving = step_s[step_s > 0]
    median = float(np.median(moving)) if moving.size else 0.0
    threshold = max(GAP_FACTOR * median, SIGNAL_GAP_MIN_S)
    at = np.flatnonzero(step_s > threshold)
    listed = np.sort(at[_largest(step_s[at])])
    times = all_times.view("datetime64[ns]")
    return [Interval(times[i], times[i + 1]) for i in listed], int(at.size)


def _largest(sizes: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """Indices of the :data:`MAX_LISTED` largest ``sizes``."""
    if sizes.size <= MAX_LISTED:
        return np.arange(sizes.size)
    return np.argsort(sizes, kind="stable")[-MAX_LISTED:]


def _flat_lines(
    times: TimeArray,
    values: FloatArray,
    median_s: float | None,
    all_times: npt.NDArray[np.int64],
) -> tuple[list[Interval], int]:
    """Stretches of one identical value longer than the threshold, the stream alive."""
    if median_s is None:
        return [], 0
    threshold_ns = int(max(FLAT_FACTOR * median_s, FLAT_MIN_S) * _NS)
    t = times.view(np.int64)
    level_start = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    level_end = np.concatenate((level_start[1:], [t.size - 1]))
    start_ns, end_ns = t[level_start], t[level_end]
    long_enough = np.flatnonzero(end_ns - start_ns > threshold_ns)
    if long_enough.size == 0:
        return [], 0
    silent = np.flatnonzero(np.diff(all_times) > threshold_ns)
    silent_start, silent_end = all_times[silent], all_times[silent + 1]
    s, e = start_ns[long_enough], end_ns[long_enough]
    overlapping = np.searchsorted(silent_start, e, "left") - np.searchsorted(silent_end, s, "right")
    flat = long_enough[overlapping == 0]
    listed = flat[_largest((end_ns - start_ns)[flat].astype(np.float64))]
    listed = np.sort(listed)
    return [
        Interval(times[level_start[i]], times[level_end[i]], float(values[level_start[i]]))
        for i in listed
    ], int(flat.size)


def _spikes(times: TimeArray, values: FloatArray) -> tuple[list[Spike], int]:
    """Short excursions from the rolling median that return (see the module docstring)."""
    n = values.size
    if n < SPIKE_WINDOW:
        return [], 0
    median = ndimage.median_filter(values, size=SPIKE_WINDOW, mode="nearest")
    residual = values - median
    size = np.abs(residual)
    scale = MAD_TO_SIGMA * ndimage.median_filter(size, size=SPIKE_SCALE_WINDOW, mode="nearest")
    steps = np.abs(np.diff(values))
    steps = steps[steps > 0]
    quantum = float(steps.min()) if steps.size else 0.0
    moving = size[size > 0]
    typical = float(np.median(moving)) if moving.size else 0.0
    floor = max(
        SPIKE_GLOBAL_FLOOR * MAD_TO_SIGMA * typical,
        quantum,
        1e-9 * float(np.median(np.abs(values))),
        np.finfo(float).tiny,
    )
    deviation = np.abs(residual) / np.maximum(scale, floor)
    out = deviation > SPIKE_MADS
    edges = np.diff(np.concatenate(([0], out.astype(np.int8), [0])))
    run_start = np.flatnonzero(edges == 1)
    run_end = np.flatnonzero(edges == -1)
    spike = (run_end - run_start <= SPIKE_MAX_POINTS) & (run_start > 0) & (run_end < n)
    starts, ends = run_start[spike], run_end[spike]
    if starts.size == 0:
        return [], 0
    peak = starts.copy()
    for offset in range(1, SPIKE_MAX_POINTS):
        longer = np.flatnonzero(ends - starts > offset)
        candidate = starts[longer] + offset
        better = deviation[candidate] > deviation[peak[longer]]
        peak[longer[better]] = candidate[better]
    listed = np.sort(peak[_largest(deviation[peak])])
    return [
        Spike(times[i], float(values[i]), float(median[i]), float(deviation[i])) for i in listed
    ], int(peak.size)


def _configurations(
    telemetry: Telemetry, habitat: Habitat, start: np.datetime64, end: np.datetime64
) -> tuple[list[HatchConfiguration], int, list[str]]:
    timeline = telemetry.hatch_timeline(habitat)
    present = set(telemetry.channels())
    with_data = [h for h, c in habitat.hatch_channels().items() if c.id in present]
    configurations = timeline.configurations(start, end)
    listed = [
        HatchConfiguration(
            c.start,
            c.end,
            tuple(h for h in with_data if h in c.open_hatches),
            tuple(h for h in with_data if h not in c.open_hatches),
            len(c.compartments),
        )
        for c in configurations[:MAX_LISTED]
    ]
    return listed, len(configurations), list(timeline.assumptions)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
