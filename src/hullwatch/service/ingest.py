"""The body of ``POST /api/ingest``: long-form CSV (formats.md section 2) or JSON lines.

Both forms go through :class:`hullwatch.detect.feed.FeedParser`, the parser of
``hullwatch watch``, so a row means the same to the service as to the command
line.  A JSON line is ``{"time": "2026-05-01T00:00:00Z", "channel": "PRK_P",
"value": 757.3}``.  The whole body is parsed before any row is used, so a bad row
rejects the request and leaves the live state untouched.

A CSV body takes a fast path first, as the file readers do
(:mod:`hullwatch.telemetry.readers`): :func:`pyarrow.csv.read_csv` with typed
columns and vectorized time parsing.  Anything it does not accept exactly (another
header, a blank line, a quote, a bad time or value) goes through the line-by-line
parser instead, which names the line; both give the same rows (tested).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from pyarrow import csv as pacsv

from hullwatch.detect.feed import LONG_HEADER, FeedParser
from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry.readers import parse_iso_times
from hullwatch.units import converter

#: Media types read as JSON lines; anything else is read as CSV.
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")

#: The name errors give the request body (never a path).
BODY_SOURCE = "<request body>"


@dataclass(frozen=True)
class ParsedRows:
    """Rows of one request, in SI, in the order they came.

    Attributes
    ----------
    times_ns : ndarray of int64
        UTC nanoseconds since 1970.
    channels : list of str
        Channel ids (all known to the habitat).
    values_si : ndarray of float64
        Values in SI (Pa, K; hatch 0/1). [SI]
    lines : list of int
        1-based line number of each row in the body.
    unknown_rows : int
        Rows of channels the habitat does not know (skipped and counted, formats.md).
    """

    times_ns: npt.NDArray[np.int64]
    channels: list[str]
    values_si: npt.NDArray[np.float64]
    lines: list[int]
    unknown_rows: int

    def __len__(self) -> int:
        return len(self.channels)


def _json_lines_as_csv(text: str) -> list[str]:
    """JSON lines to long-form CSV lines (header first), naming the first bad line."""
    out = [",".join(LONG_HEADER) + "\n"]
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            out.append("\n")
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON ({exc.msg})", source=BODY_SOURCE, line=number) from None
        if not isinstance(item, dict) or not {"time", "channel", "value"} <= set(item):
            raise InputError(
                "a JSON line must be an object with time, channel and value",
                source=BODY_SOURCE,
                line=number,
            )
        time, channel, value = item["time"], item["channel"], item["value"]
        if not isinstance(time, str) or not isinstance(channel, str) or "," in channel + time:
            raise InputError(
                "time and channel must be strings without commas", source=BODY_SOURCE, line=number
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError("value must be a number", source=BODY_SOURCE, line=number)
        if not math.isfinite(value):
            raise InputError("value must be finite", source=BODY_SOURCE, line=number)
        out.append(f"{time},{channel},{value!r}\n")
    return out


def parse_body(
    body: bytes, content_type: str, habitat: Habitat, *, fast: bool = True
) -> ParsedRows:
    """Parse a request body into rows in SI.

    Parameters
    ----------
    body : bytes
        UTF-8 text.
    content_type : str
        The request's ``Content-Type``; JSON lines for :data:`JSON_LINES_TYPES`, CSV otherwise.
    habitat : Habitat
        Gives each channel's unit.
    fast : bool
        Try the pyarrow fast path first for CSV (the result is the same either way).

    Returns
    -------
    ParsedRows

    Raises
    ------
    InputError
        Not UTF-8, a bad header, a bad line, or rows out of time order, naming the line.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8 text", source=BODY_SOURCE) from None
    media = content_type.split(";")[0].strip().lower()
    if fast and media not in JSON_LINES_TYPES:
        parsed = _fast_csv(body, habitat)
        if parsed is not None:
            return parsed
    lines = _json_lines_as_csv(text) if media in JSON_LINES_TYPES else text.splitlines()
    parser = FeedParser(habitat, BODY_SOURCE)
    rows = list(parser.rows(lines))
    if media in JSON_LINES_TYPES:
        rows = [(t, c, v, line - 1) for t, c, v, line in rows]  # the synthetic header
    times = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    if times.size > 1:
        back = np.flatnonzero(np.diff(times) < 0)
        if back.size:
            raise InputError(
                "rows must be in time order for a live feed",
                source=BODY_SOURCE,
                line=rows[int(back[0]) + 1][3],
                field="time",
            )
    return ParsedRows(
        times,
        [r[1] for r in rows],
        np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows)),
        [r[3] for r in rows],
        parser.unknown_rows,
    )


def _fast_csv(body: bytes, habitat: Habitat) -> ParsedRows | None:
    """The rows of a clean long-form CSV body, or None to take the line-by-line parser."""
    text_head = body[:64].decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text_head.startswith(",".join(LONG_HEADER)) or b"\n\n" in body or b'"' in body:
        return None
    if b"\r\n\r\n" in body or body.strip() == b"":
        return None
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            parse_options=pacsv.ParseOptions(quote_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types={"time": pa.string(), "channel": pa.string(), "value": pa.float64()},
                strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if table.column_names != list(LONG_HEADER):
        return None
    times, invalid = parse_iso_times(table.column("time").to_numpy(zero_copy_only=False))
    values = table.column("value").to_numpy(zero_copy_only=False).astype(np.float64)
    channels = table.column("channel").to_numpy(zero_copy_only=False)
    if invalid.any() or not np.isfinite(values).all():
        return None
    names, codes = np.unique(channels, return_inverse=True)
    units = {c.id: c.unit for c in habitat.channels}
    known = np.array([name in units for name in names.tolist()], dtype=bool)
    keep = known[codes]
    for k in np.flatnonzero(known):
        rows = codes == k
        values[rows] = converter(units[str(names[k])])(values[rows])
    lines = np.arange(2, table.num_rows + 2)[keep]
    times, values, kept = times[keep], values[keep], channels[keep]
    if times.size > 1 and (np.diff(times) < 0).any():
        return None  # the line-by-line parser names the line
    return ParsedRows(
        times.astype(np.int64),
        [str(c) for c in kept.tolist()],
        values,
        lines.tolist(),
        int((~keep).sum()),
    )
