"""Durations and times in scenario files: ``"20d"``, ``"6h"``, ``"10min"``, ISO 8601 instants."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np

from hullwatch.errors import InputError
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MINUTE, SECONDS_PER_WEEK

_PART = r"([0-9]*\.?[0-9]+)\s*(w|d|h|min|s)"
_DURATION = re.compile(rf"^\s*(?:{_PART}\s*)+$")
_SECONDS = {
    "w": SECONDS_PER_WEEK,
    "d": SECONDS_PER_DAY,
    "h": SECONDS_PER_HOUR,
    "min": SECONDS_PER_MINUTE,
    "s": 1.0,
}


def parse_duration_s(text: str | float | int, field: str = "duration") -> float:
    """Seconds in a duration such as ``"2.5d"``, ``"6h"``, ``"10min"``, ``"7d2h"``.

    A bare number is taken as seconds.

    Examples
    --------
    >>> parse_duration_s("1.5h")
    5400.0
    >>> parse_duration_s("1d 2h")
    93600.0
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    if not _DURATION.match(str(text)):
        raise InputError(
            f"cannot read duration {text!r}; write e.g. '20d', '6h', '10min' or '30s'", field=field
        )
    return sum(float(n) * _SECONDS[u] for n, u in re.findall(_PART, str(text)))


def parse_instant(text: str, field: str = "time") -> np.datetime64:
    """A UTC ``datetime64[ns]`` from ISO 8601 (no zone means UTC)."""
    try:
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"cannot read time {text!r}; use ISO 8601", field=field) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return np.datetime64(parsed, "ns")


def parse_time_s(text: str | float | int, start: np.datetime64, field: str = "time") -> float:
    """Seconds after ``start`` of an ISO instant or of an offset such as ``"3d"``."""
    if isinstance(text, str) and ("T" in text or "-" in text.strip()[1:]):
        instant = parse_instant(text, field)
        return float((instant - start) / np.timedelta64(1, "s"))
    return parse_duration_s(text, field)


def iso_z(instant: np.datetime64) -> str:
    """ISO 8601 UTC string ending in ``Z`` (millisecond precision)."""
    return str(np.datetime_as_string(instant.astype("datetime64[ms]"), unit="ms")) + "Z"
