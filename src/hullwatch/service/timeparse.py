"""Times in query strings: milliseconds since 1970 (as Open MCT sends) or ISO 8601."""

from __future__ import annotations

import numpy as np
from fastapi import HTTPException

from hullwatch.errors import InputError
from hullwatch.telemetry import to_utc_datetime64


def parse_time_ms(text: str, name: str) -> int:
    """A query-string time as ms since 1970 (UTC); 422 naming ``name`` if it is not one.

    Examples
    --------
    >>> parse_time_ms("1777593600000", "start")
    1777593600000
    >>> parse_time_ms("2026-05-01T00:00:00Z", "start")
    1777593600000
    """
    text = text.strip()
    if text.lstrip("-").isdigit() and len(text) <= 16:
        return int(text)
    try:
        value = to_utc_datetime64(text)
    except (InputError, ValueError):
        raise HTTPException(422, f"{name}: not a time (ms since 1970 or ISO 8601)") from None
    return int(value.astype("datetime64[ms]").astype(np.int64))
