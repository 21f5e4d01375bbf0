"""Rows of a live long-form telemetry feed (``time,channel,value``, formats.md section 2).

:class:`FeedParser` turns text lines, as they arrive, into rows in SI.  Lines are
parsed in batches (vectorized time and number parsing); memory holds one batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry.readers import parse_iso_times, parse_numbers
from hullwatch.units import converter

#: Header of the long form.
LONG_HEADER = ("time", "channel", "value")


class FeedParser:
    """Parse a long-form CSV feed line by line.

    Parameters
    ----------
    habitat : Habitat
        Gives each channel's unit; rows of unknown channels are counted and dropped.
    source : str
        File name (or ``"<stdin>"``) for error messages.
    """

    def __init__(self, habitat: Habitat, source: str) -> None:
        self.habitat = habitat
        self.source = source
        self.line_number = 0
        self.header_seen = False
        self.unknown_rows = 0
        self._to_si = {c.id: converter(c.unit) for c in habitat.channels}

    def rows(self, lines: list[str]) -> Iterator[tuple[int, str, float, int]]:
        """Rows ``(time_ns, channel, value_si, line_number)`` of a batch of lines.

        Raises
        ------
        InputError
            A bad header, a wrong field count, or a bad time or value, naming the line.
        """
        fields: list[list[str]] = []
        numbers: list[int] = []
        for raw in lines:
            self.line_number += 1
            text = raw.strip()
            if not text:
                continue
            parts = [p.strip() for p in text.split(",")]
            if not self.header_seen:
                if tuple(p.lower() for p in parts) != LONG_HEADER:
                    raise InputError(
                        "a live feed must be long-form CSV with the header time,channel,value",
                        source=self.source,
                        line=self.line_number,
                        field="header",
                    )
                self.header_seen = True
                continue
            if len(parts) != 3:
                raise InputError(
                    f"expected 3 fields, found {len(parts)}",
                    source=self.source,
                    line=self.line_number,
                )
            fields.append(parts)
            numbers.append(self.line_number)
        if not fields:
            return
        array = np.array(fields, dtype=object)
        times, invalid = parse_iso_times(array[:, 0])
        values = parse_numbers(array[:, 2])
        for k, (channel, line) in enumerate(zip(array[:, 1], numbers, strict=True)):
            if invalid[k]:
                raise InputError(
                    f"bad time {array[k, 0]!r}", source=self.source, line=line, field="time"
                )
            if channel not in self._to_si:
                self.unknown_rows += 1
                continue
            if not np.isfinite(values[k]):
                raise InputError(
                    f"bad value {array[k, 2]!r}", source=self.source, line=line, field="value"
                )
            yield int(times[k]), str(channel), float(self._to_si[channel](values[k])), line
