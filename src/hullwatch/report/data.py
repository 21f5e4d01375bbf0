"""What a report is built from: the inputs and every analysis on them, each run once.

:class:`ReportData` runs an analysis the first time a section asks for it and keeps
the result, or the :class:`~hullwatch.errors.HullwatchError` it raised, so a section
that needs the leak rate and the summary that quotes it share one computation, and
an analysis that cannot run fails every section that needs it with the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import numpy as np

from hullwatch.analysis.gasmass import gas_mass_segments
from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.detect import Alarm, DetectResult, LeakDetector, detect_leaks
from hullwatch.errors import AnalysisError, HullwatchError, InputError
from hullwatch.events import EventsResult, detect_events
from hullwatch.events.detect import default_module
from hullwatch.habitat import Habitat
from hullwatch.locate import LocateResult, locate_leak
from hullwatch.report.plots import FloatArray, GasMassTrace, TimeArray
from hullwatch.report.rolling import (
    DEFAULT_STEP_S,
    DEFAULT_WINDOW_S,
    WindowRate,
    rolling_leak_rate,
)
from hullwatch.telemetry import QualityReport, Telemetry, iso_z, quality_report

T = TypeVar("T")

#: Analyses a caller may hand over already computed: quality_report, detect_events
#: (whole recording), detect_leaks (default detector), leak_rate (whole recording, of
#: the module of interest) and locate_leak (from the first leak alarm's onset).
PRECOMPUTABLE = ("quality", "events", "detection", "rate", "current_rate", "location")

#: Without an alarm, a located leak picks the module of interest when "no leak" is
#: less probable than this (a leak is then the more probable account of the data). [-]
MAX_P_NO_LEAK = 0.5

#: Alarm kinds that mean a leak (a rapid depress is reported, but is not an onset).
LEAK_ALARM_KINDS = ("leak_onset", "leak_increase")


class ReportData:
    """The report's inputs and its cached analyses.

    Parameters
    ----------
    telemetry : Telemetry
        The recording.
    habitat : Habitat
        The habitat.
    module : str, optional
        The module of interest; by default the one the analyses point at (see
        :attr:`module`).
    source : str
        Where the telemetry came from (shown in the report).
    image_format : str
        ``"svg"`` or ``"png"`` for the embedded figures.
    window_s, step_s : float
        Length and step of the sliding windows of the leak rate over time. [s]
    false_alarms_per_year : float
        The detector's allowed false alarms per compartment. [1/year]
    precomputed : mapping, optional
        Results already computed on the same telemetry and habitat with default
        settings, by name (:data:`PRECOMPUTABLE`), used instead of running the
        analysis again (``hullwatch demo`` has them at hand).
    """

    def __init__(
        self,
        telemetry: Telemetry,
        habitat: Habitat,
        *,
        module: str | None = None,
        source: str = "",
        image_format: str = "svg",
        window_s: float = DEFAULT_WINDOW_S,
        step_s: float = DEFAULT_STEP_S,
        false_alarms_per_year: float = 1.0,
        precomputed: Mapping[str, Any] | None = None,
    ) -> None:
        unknown = sorted(set(precomputed or {}) - set(PRECOMPUTABLE))
        if unknown:
            raise InputError(
                f"cannot take {', '.join(unknown)} as computed; only {', '.join(PRECOMPUTABLE)}",
                field="precomputed",
            )
        if module is not None:
            habitat.module(module)  # an unknown module is bad input: raise now
        self.telemetry = telemetry
        self.habitat = habitat
        self.requested_module = module
        self.source = source
        self.image_format = image_format
        self.window_s = window_s
        self.step_s = step_s
        self.false_alarms_per_year = false_alarms_per_year
        self._cache: dict[str, tuple[bool, Any]] = {
            key: (True, value) for key, value in (precomputed or {}).items()
        }

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for; its value (or error) after."""
        if key not in self._cache:
            try:
                self._cache[key] = (True, compute())
            except HullwatchError as error:
                self._cache[key] = (False, error)
        ok, value = self._cache[key]
        if not ok:
            raise value
        return cast(T, value)

    def optional(self, get: Callable[[], T], notes: list[str], what: str) -> T | None:
        """``get()``, or None with a note saying why ``what`` is missing."""
        try:
            return get()
        except HullwatchError as error:
            notes.append(f"{what} not available: {error}")
            return None

    # --- the analyses -------------------------------------------------------------------

    @property
    def span(self) -> tuple[np.datetime64, np.datetime64]:
        """First and last sample (UTC)."""
        return self.once("span", self.telemetry.span)

    @property
    def quality(self) -> QualityReport:
        """:func:`hullwatch.telemetry.quality_report`."""
        return self.once("quality", lambda: quality_report(self.telemetry, self.habitat))

    @property
    def events(self) -> EventsResult:
        """:func:`hullwatch.events.detect_events` over the whole recording."""
        return self.once("events", lambda: detect_events(self.telemetry, self.habitat))

    @property
    def detection(self) -> DetectResult:
        """:func:`hullwatch.detect.detect_leaks` over the whole recording."""
        return self.once(
            "detection",
            lambda: detect_leaks(self.telemetry, self.habitat, detector=self.detector),
        )

    @property
    def detector(self) -> LeakDetector:
        """The detector :attr:`detection` runs (defaults, at the report's false-alarm rate)."""
        return self.once(
            "detector",
            lambda: LeakDetector(self.habitat, false_alarms_per_year=self.false_alarms_per_year),
        )

    @property
    def first_leak_alarm(self) -> Alarm | None:
        """The first leak alarm of any compartment (None without one)."""
        alarms = [a for a in self.detection.alarms if a.kind in LEAK_ALARM_KINDS]
        return alarms[0] if alarms else None

    @property
    def location(self) -> LocateResult:
        """:func:`hullwatch.locate.locate_leak` from the first leak alarm's onset on.

        A steady-leak model needs its window to start at the onset; without an alarm
        (or without a detection) it takes the whole recording.
        """

        def compute() -> LocateResult:
            return locate_leak(self.telemetry, self.habitat, start=self.location_start)

        return self.once("location", compute)

    @property
    def location_start(self) -> np.datetime64 | None:
        """Start of the window :attr:`location` uses (None: the whole recording)."""
        try:
            alarm = self.first_leak_alarm
        except HullwatchError:
            return None
        return None if alarm is None else alarm.onset_estimate

    @property
    def module(self) -> str:
        """The module of interest; :attr:`module_reason` says how it was chosen."""
        return self.once("module", lambda: self._choose_module()[0])

    @property
    def module_reason(self) -> str:
        """Why :attr:`module` is the module of interest."""
        return self.once("module_reason", lambda: self._choose_module()[1])

    def _choose_module(self) -> tuple[str, str]:
        if self.requested_module is not None:
            return self.requested_module, "chosen with --module"
        try:
            alarm = self.first_leak_alarm
        except HullwatchError:
            alarm = None
        if alarm is not None:
            try:
                best = self.location.most_likely
            except HullwatchError:
                best = None
            if best is not None and best in alarm.compartment:
                return best, (
                    "the most probable leak location in the compartment of the first leak alarm"
                )
            return alarm.compartment[0], "the first module of the first leak alarm's compartment"
        try:
            location = self.location
        except HullwatchError:
            location = None
        if location is not None and location.probability("no leak") < MAX_P_NO_LEAK:
            return location.most_likely, (
                "no leak alarm; the most probable leak location over the whole recording "
                f"(probability of no leak {location.probability('no leak'):.2f})"
            )
        return (
            default_module(self.telemetry, self.habitat),
            "no leak alarm and no located leak: the first module with a pressure channel "
            "(use --module to choose)",
        )

    @property
    def rate(self) -> LeakRateResult:
        """:func:`hullwatch.analysis.leakrate.leak_rate` of :attr:`module` over the recording."""
        return self.once("rate", lambda: leak_rate(self.telemetry, self.habitat, self.module))

    @property
    def rate_start(self) -> np.datetime64 | None:
        """Onset estimate of the latest leak alarm of :attr:`module`'s compartment (or None)."""
        try:
            leaks = [a for a in self.module_alarms if a.kind in LEAK_ALARM_KINDS]
        except HullwatchError:
            return None
        return leaks[-1].onset_estimate if leaks else None

    @property
    def current_rate(self) -> LeakRateResult:
        """The leak rate from :attr:`rate_start` on: the leak as it is now.

        Over the whole recording when there is no leak alarm; a configuration's mean
        rate would otherwise mix the time before the onset in.
        """
        start = self.rate_start
        if start is None:
            return self.rate
        return self.once(
            "current_rate", lambda: leak_rate(self.telemetry, self.habitat, self.module, start)
        )

    @property
    def rolling(self) -> list[WindowRate]:
        """The leak rate of :attr:`module`'s compartment in sliding windows."""
        return self.once(
            "rolling",
            lambda: rolling_leak_rate(
                self.telemetry,
                self.habitat,
                self.module,
                window_s=self.window_s,
                step_s=self.step_s,
            ),
        )

    @property
    def module_alarms(self) -> list[Alarm]:
        """Alarms of compartments that held :attr:`module`."""
        return [a for a in self.detection.alarms if self.module in a.compartment]

    @property
    def pressures_pa(self) -> dict[str, tuple[TimeArray, FloatArray]]:
        """Pressure of each module with a pressure channel with data. [Pa]"""

        def compute() -> dict[str, tuple[TimeArray, FloatArray]]:
            present = set(self.telemetry.channels())
            out: dict[str, tuple[TimeArray, FloatArray]] = {}
            for module in self.habitat.module_names:
                channels = [
                    c for c in self.habitat.channels_for(module, "pressure") if c.id in present
                ]
                for k, channel in enumerate(channels):
                    label = module if k == 0 else f"{module} ({channel.id})"
                    out[label] = self.telemetry.channel(channel.id)
            if not out:
                raise AnalysisError("no module has a pressure channel with data")
            return out

        return self.once("pressures", compute)

    @property
    def gas_mass(self) -> list[GasMassTrace]:
        """Gas mass of every compartment a pressure channel sees, per configuration.

        The module of interest's compartments come first; a module is skipped when a
        compartment already drawn held it in every configuration.
        """

        def compute() -> list[GasMassTrace]:
            modules = [m.split(" (")[0] for m in self.pressures_pa]
            try:
                first = self.module
            except HullwatchError:
                first = modules[0]
            order = [first] + [m for m in modules if m != first]
            traces: list[GasMassTrace] = []
            seen: set[tuple[np.datetime64, tuple[str, ...]]] = set()
            covered: set[str] = set()
            for module in dict.fromkeys(order):
                if module in covered:
                    continue
                segments = gas_mass_segments(self.telemetry, self.habitat, module)
                if not segments:
                    continue
                covered |= set.intersection(*(set(s.compartment) for s in segments))
                for s in segments:
                    key = (s.start, tuple(s.compartment))
                    if key in seen:
                        continue
                    seen.add(key)
                    traces.append(GasMassTrace(tuple(s.compartment), s.time, s.mass_kg))
            if not traces:
                raise AnalysisError("no compartment has a gas-mass series")
            return traces

        return self.once("gas_mass", compute)

    def when(self, time: np.datetime64 | None) -> str:
        """A UTC time for the text, to the minute."""
        return "-" if time is None else iso_z(time)[:16].replace("T", " ") + " UTC"
