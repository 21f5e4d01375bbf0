"""Inputs of a risk assessment: leak-rate observations, step increases, and their readers.

A **rate history** is a small CSV of dated leak-rate figures and events, the format of
the shipped PrK case study (``data/prk_leak_history.csv``)::

    date,kind,value_low,value_high,unit,reliability,source,note
    2024-04-15,rate,3.7,3.7,lb/day,B,NASA OIG via press,highest rate reported
    2024-09-15,repair,,,,B,NASA via press,leak cut by about a third

``kind`` is ``rate`` (a figure: ``value_low``/``value_high`` in ``unit``, equal when a
single figure was published, a range when sources conflict) or an event: ``repair``,
``stable`` (a "stable configuration" announcement), ``config`` (an operating change such
as holding the tunnel at lower pressure), ``located``, ``risk`` (a published risk score).
Values are converted to kg/day at this edge.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from hullwatch.errors import InputError
from hullwatch.telemetry import iso_z, to_utc_datetime64
from hullwatch.units import MASS_FLOW_UNITS_TO_KG_PER_S, SECONDS_PER_DAY

#: Row kinds of a rate history.
HISTORY_KINDS = ("rate", "repair", "stable", "config", "located", "risk")
#: Columns of a rate-history CSV.
HISTORY_COLUMNS = (
    "date",
    "kind",
    "value_low",
    "value_high",
    "unit",
    "reliability",
    "source",
    "note",
)
#: File name of the shipped PrK case study.
PRK_HISTORY = "prk_leak_history.csv"


@dataclass(frozen=True)
class RateObservation:
    """One dated row of a rate history.

    Attributes
    ----------
    time : numpy.datetime64
        Date (UTC).
    kind : str
        One of :data:`HISTORY_KINDS`.
    low_kg_per_day, high_kg_per_day : float or None
        The figure, or the range of conflicting figures; None for events. [kg/day]
    unit : str
        Unit the figure was published in.
    reliability : str
        iss-facts.md grade: A official, B reporting quoting officials, C aggregator.
    source, note : str
        Where it came from; caveats.
    """

    time: np.datetime64
    kind: str
    low_kg_per_day: float | None = None
    high_kg_per_day: float | None = None
    unit: str = "kg/day"
    reliability: str = ""
    source: str = ""
    note: str = ""

    @property
    def mid_kg_per_day(self) -> float | None:
        """Geometric mid-point of the range. [kg/day]"""
        if self.low_kg_per_day is None or self.high_kg_per_day is None:
            return None
        return float(np.sqrt(self.low_kg_per_day * self.high_kg_per_day))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "time": iso_z(self.time),
            "kind": self.kind,
            "low_kg_per_day": self.low_kg_per_day,
            "high_kg_per_day": self.high_kg_per_day,
            "unit": self.unit,
            "reliability": self.reliability,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class StepEvent:
    """A step increase of the leak rate.

    Attributes
    ----------
    time : numpy.datetime64
        When it was seen (UTC).
    factor : float
        Rate after / rate before, > 1. [-]
    origin : str
        ``history`` (two rate figures whose ranges do not overlap) or ``alarm``
        (a ``leak_increase`` alarm of ``hullwatch detect``).
    """

    time: np.datetime64
    factor: float
    origin: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"time": iso_z(self.time), "factor": self.factor, "origin": self.origin}


def _number(text: str, source: str, line: int, field: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"not a number: {text!r}", source=source, line=line, field=field) from None
    if not np.isfinite(value) or value < 0:
        raise InputError(
            f"must be finite and >= 0, got {text!r}", source=source, line=line, field=field
        )
    return value


def parse_rate_history(text: str, source: str) -> list[RateObservation]:
    """Parse a rate-history CSV (see the module docstring), sorted by date.

    Parameters
    ----------
    text : str
        The CSV text.
    source : str
        File name for messages.

    Returns
    -------
    list of RateObservation

    Raises
    ------
    InputError
        Naming the file, line and column of a missing column, an unknown kind or unit,
        an unreadable date or value, or ``value_low > value_high``.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in HISTORY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", source=source, line=1)
    rows: list[RateObservation] = []
    for line, row in enumerate(reader, start=2):
        kind = (row["kind"] or "").strip()
        if kind not in HISTORY_KINDS:
            raise InputError(
                f"unknown kind {kind!r}; use {', '.join(HISTORY_KINDS)}",
                source=source,
                line=line,
                field="kind",
            )
        try:
            time = to_utc_datetime64(row["date"].strip())
        except (InputError, AttributeError):
            raise InputError(
                f"cannot read date {row['date']!r}", source=source, line=line, field="date"
            ) from None
        low = _number(row["value_low"] or "", source, line, "value_low")
        high = _number(row["value_high"] or "", source, line, "value_high")
        unit = (row["unit"] or "").strip()
        if kind == "rate":
            if low is None:
                raise InputError(
                    "a rate row needs value_low", source=source, line=line, field="value_low"
                )
            high = low if high is None else high
            if high < low:
                raise InputError(
                    "value_high is below value_low", source=source, line=line, field="value_high"
                )
            if unit not in MASS_FLOW_UNITS_TO_KG_PER_S:
                raise InputError(
                    f"unknown unit {unit!r}; use {', '.join(MASS_FLOW_UNITS_TO_KG_PER_S)}",
                    source=source,
                    line=line,
                    field="unit",
                )
            scale = MASS_FLOW_UNITS_TO_KG_PER_S[unit] * SECONDS_PER_DAY
            low, high = low * scale, high * scale
        else:
            low = high = None
        rows.append(
            RateObservation(
                time=time,
                kind=kind,
                low_kg_per_day=low,
                high_kg_per_day=high,
                unit=unit or "kg/day",
                reliability=(row["reliability"] or "").strip(),
                source=(row["source"] or "").strip(),
                note=(row["note"] or "").strip(),
            )
        )
    rows.sort(key=lambda r: r.time)
    return rows


def read_rate_history(path: str | Path | None = None) -> list[RateObservation]:
    """Read a rate-history CSV; the shipped PrK case study when ``path`` is None.

    Parameters
    ----------
    path : str or Path, optional
        The CSV.

    Returns
    -------
    list of RateObservation
        Sorted by date.
    """
    if path is None:
        text = resources.files("hullwatch.data").joinpath(PRK_HISTORY).read_text("utf-8")
        return parse_rate_history(text, PRK_HISTORY)
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read rate history: {exc.strerror}", source=str(file)) from None
    return parse_rate_history(text, str(file))


def steps_from_alarms(alarms: list[dict[str, Any]], source: str = "alarms") -> list[StepEvent]:
    """Step increases from the ``alarms`` of ``hullwatch detect --json``.

    The first ``leak_onset`` alarm of each compartment sets its base rate; each later
    ``leak_increase`` alarm adds its ``leak_rate_kg_per_day`` (the rate added since its
    onset) to it, and its step factor is the rate after over the rate before.

    Parameters
    ----------
    alarms : list of dict
        The ``alarms`` list.
    source : str
        File name for messages.

    Returns
    -------
    list of StepEvent
    """
    base: dict[tuple[str, ...], float] = {}
    steps: list[StepEvent] = []
    for i, alarm in enumerate(sorted(alarms, key=lambda a: str(a.get("time", "")))):
        kind = alarm.get("kind")
        if kind not in ("leak_onset", "leak_increase"):
            continue
        try:
            key = tuple(alarm.get("compartment") or ())
            rate = float(alarm["leak_rate_kg_per_day"])
            time = to_utc_datetime64(str(alarm["time"]))
        except (KeyError, TypeError, ValueError, InputError):
            raise InputError(
                "each alarm needs time, compartment and leak_rate_kg_per_day",
                source=source,
                field=f"alarms[{i}]",
            ) from None
        if kind == "leak_onset" or key not in base:
            base[key] = max(rate, 0.0)
            continue
        before = base[key]
        if before > 0 and rate > 0:
            steps.append(StepEvent(time, (before + rate) / before, "alarm"))
        base[key] = before + max(rate, 0.0)
    return steps
