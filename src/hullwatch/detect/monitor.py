"""Running the detector over a recording (``hullwatch detect``) or a live feed (``watch``).

:class:`Monitor` adds to :class:`~hullwatch.detect.detector.LeakDetector` what a
console shows as it happens: hatch changes, losses of signal, gas steps and model
changes.  :func:`detect_leaks` runs one over a whole recording, sample by sample in
time order, exactly as a live monitor would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.detect.detector import LeakDetector
from hullwatch.detect.grid import Snapshot, grid_samples
from hullwatch.detect.model import Alarm, StreamEvent
from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry, iso_z, quality_report
from hullwatch.telemetry.quality import QualityReport


class Monitor:
    """A detector plus the events a console reports between alarms.

    Parameters
    ----------
    detector : LeakDetector
        Configured (and possibly fitted) detector.
    """

    def __init__(self, detector: LeakDetector) -> None:
        self.detector = detector
        self.closed: frozenset[str] | None = None
        self.stale_since: np.datetime64 | None = None
        self.last_time: np.datetime64 | None = None

    def feed(self, snapshot: Snapshot) -> list[Alarm | StreamEvent]:
        """Take one grid snapshot; return what happened, in order."""
        out: list[Alarm | StreamEvent] = []
        if self.closed is not None and snapshot.closed_hatches != self.closed:
            for hatch in sorted(snapshot.closed_hatches - self.closed):
                out.append(
                    StreamEvent("hatch_close", snapshot.time, snapshot.time, {"hatch": hatch})
                )
            for hatch in sorted(self.closed - snapshot.closed_hatches):
                out.append(
                    StreamEvent("hatch_open", snapshot.time, snapshot.time, {"hatch": hatch})
                )
        self.closed = snapshot.closed_hatches
        if snapshot.stale and self.stale_since is None:
            self.stale_since = snapshot.time
        elif not snapshot.stale and self.stale_since is not None:
            out.append(self._signal_event(snapshot.time))
        for sample in snapshot.samples:
            alarms = self.detector.update(sample)
            out.extend(self.detector.take_events())
            out.extend(alarms)
        self.last_time = snapshot.time
        return out

    def _signal_event(self, end: np.datetime64) -> StreamEvent:
        assert self.stale_since is not None
        event = StreamEvent(
            "loss_of_signal",
            self.stale_since,
            end,
            {"effect": "no gas-mass samples: blocks in the gap are left out of the statistic"},
        )
        self.stale_since = None
        return event

    def finish(self) -> list[StreamEvent]:
        """At the end of input: a loss of signal still open."""
        if self.stale_since is not None and self.last_time is not None:
            return [self._signal_event(self.last_time)]
        return []


@dataclass
class DetectResult:
    """The alarms and events of a recording.

    Attributes
    ----------
    alarms : list of Alarm
    events : list of StreamEvent
        Gas steps cut out, hatch changes, losses of signal, models learned.
    start, end : numpy.datetime64
        First and last grid time.
    threshold : float
        Threshold of the decision rule. [-]
    false_alarms_per_year : float
        The rate it was set for. [1/year]
    warnings : list of str
        Reading warnings and data-quality problems.
    skipped_rows : int
    method : str
        The detection statistic (its registry's JSON name).
    """

    alarms: list[Alarm]
    events: list[StreamEvent]
    start: np.datetime64 | None
    end: np.datetime64 | None
    threshold: float
    false_alarms_per_year: float
    warnings: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    method: str = "cusum_bank_on_whitened_block_gas_mass_rate"

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object (formats.md section 3)."""
        return {
            "alarms": [a.to_dict() for a in self.alarms],
            "events": [e.to_dict() for e in self.events],
            "start": None if self.start is None else iso_z(self.start),
            "end": None if self.end is None else iso_z(self.end),
            "method": self.method,
            "threshold": round(self.threshold, 3),
            "false_alarms_per_year": self.false_alarms_per_year,
            "warnings": list(self.warnings),
            "skipped_rows": self.skipped_rows,
        }


def _quality_warnings(report: QualityReport) -> list[str]:
    """Spikes and flat lines the detector used as they are, named so none passes unseen."""
    out = []
    for channel in report.channels:
        problems = []
        if channel.spike_count:
            first = iso_z(channel.spikes[0].time)
            problems.append(f"{channel.spike_count} spike(s), the first at {first}")
        if channel.flat_line_count:
            first = iso_z(channel.flat_lines[0].start)
            problems.append(f"{channel.flat_line_count} flat-lined stretch(es) from {first}")
        if problems:
            out.append(
                f"channel {channel.channel.id}: {'; '.join(problems)}; the detector does not "
                "remove them, so check any alarm near them (hullwatch validate lists them)"
            )
    return out


def detect_leaks(
    telemetry: Telemetry,
    habitat: Habitat,
    *,
    detector: LeakDetector | None = None,
    history: Telemetry | None = None,
    false_alarms_per_year: float = 1.0,
) -> DetectResult:
    """Run the causal detector over a recording.

    Parameters
    ----------
    telemetry : Telemetry
        The recording.
    habitat : Habitat
        The habitat.
    detector : LeakDetector, optional
        A configured detector (its own false-alarm rate then applies); by default
        ``LeakDetector(habitat, false_alarms_per_year=...)``.
    history : Telemetry, optional
        Leak-free history to fit the noise models on first; without it every
        compartment learns over its first ``warmup_s``.
    false_alarms_per_year : float
        Allowed false alarms per year per compartment. [1/year]

    Returns
    -------
    DetectResult
    """
    if detector is None:
        detector = LeakDetector(habitat, false_alarms_per_year=false_alarms_per_year)
    if history is not None:
        detector.fit(history)
    monitor = Monitor(detector)
    alarms: list[Alarm] = []
    events: list[StreamEvent] = []
    start = end = None
    for snapshot in grid_samples(
        telemetry, habitat, grid_s=detector.grid_s, stale_s=detector.stale_s, gas=detector.gas
    ):
        start = snapshot.time if start is None else start
        end = snapshot.time
        for item in monitor.feed(snapshot):
            if isinstance(item, Alarm):
                alarms.append(item)
            else:
                events.append(item)
    events += monitor.finish()
    warnings = list(telemetry.warnings)
    losses = [e for e in events if e.kind == "loss_of_signal"]
    if losses:
        warnings.append(
            f"{len(losses)} loss(es) of signal longer than {detector.stale_s:.0f} s: "
            "the statistic skipped them (see events)"
        )
    warnings += _quality_warnings(quality_report(telemetry, habitat))
    return DetectResult(
        alarms,
        events,
        start,
        end,
        detector.threshold,
        detector.false_alarms_per_year,
        warnings,
        telemetry.skipped_rows,
        detector.method,
    )
