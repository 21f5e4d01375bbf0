"""The operations log: a CSV ``start,end,kind,text`` with an optional ``module`` column.

::

    start,end,kind,text,module
    2026-05-01T10:00:00Z,2026-05-01T16:00:00Z,cargo,Progress MS-31 unloading,PrK
    2026-05-02T08:00:00Z,,sealant,sealant applied to the PrK crack,PrK

* ``start``, ``end``: ISO 8601 in UTC, ending in ``Z`` or ``+00:00`` (a time without a
  zone is UTC, as in telemetry files); a time in another zone is an error.  An
  empty ``end`` is an instant.
* ``kind``: cargo, docking, EVA, sealant, hatch_open, ...: any non-empty word.
* ``text``: free text (quote it if it holds commas).
* ``module``: optional; the module whose compartment's leak rate the operation may
  change.  It must be a module of the habitat.

Every problem is an :class:`~hullwatch.errors.InputError` naming the file, the line
and the field (exit status 2 in the CLI).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from hullwatch.errors import InputError
from hullwatch.events.model import Operation
from hullwatch.habitat import Habitat

REQUIRED_COLUMNS = ("start", "end", "kind", "text")
OPTIONAL_COLUMNS = ("module",)


def parse_utc(text: str, source: str, line: int, field: str) -> np.datetime64:
    """An ISO 8601 time in UTC as ``datetime64[ns]``.

    Parameters
    ----------
    text : str
        ``2026-05-01T10:00:00Z``, ``...+00:00``, or without a zone (taken as UTC).
    source : str
        File name, for messages.
    line : int
        Line number, for messages.
    field : str
        Column name, for messages.

    Raises
    ------
    InputError
        If it is not ISO 8601 or is in a zone other than UTC.

    Examples
    --------
    >>> parse_utc("2026-05-01T10:00:00Z", "ops.csv", 2, "start")
    np.datetime64('2026-05-01T10:00:00.000000000')
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"not an ISO 8601 time: {text!r}", source=source, line=line, field=field
        ) from None
    offset = parsed.utcoffset()
    if offset is not None and offset != timedelta(0):
        raise InputError(
            f"time {text!r} is not in UTC (offset {offset}); write it in UTC, ending in Z",
            source=source,
            line=line,
            field=field,
        )
    return np.datetime64(parsed.replace(tzinfo=None), "ns")


def read_ops_log(path: str | Path, habitat: Habitat) -> list[Operation]:
    """Read an operations log.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    habitat : Habitat
        Modules named in a ``module`` column must be in it.

    Returns
    -------
    list of Operation
        In file order.

    Raises
    ------
    InputError
        Missing or unreadable file, a header without ``start,end,kind,text`` or with
        unknown columns, a row with the wrong number of fields, a time that is not
        ISO 8601 UTC, an end before its start, an empty kind, or an unknown module:
        naming the file, the line and the field.
    """
    source = str(path)
    try:
        text = Path(path).read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such operations log", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read operations log: {exc}", source=source) from None
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    operations = []
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            _check_header(header, source, line)
            continue
        if len(row) != len(header):
            raise InputError(
                f"expected {len(header)} fields ({','.join(header)}), found {len(row)}",
                source=source,
                line=line,
            )
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        operations.append(_operation(cells, habitat, source, line))
    if header is None:
        raise InputError(
            "empty operations log: expected a header line start,end,kind,text", source=source
        )
    return operations


def _check_header(header: list[str], source: str, line: int) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"header lacks column(s) {', '.join(missing)}; expected start,end,kind,text "
            "and optionally module",
            source=source,
            line=line,
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(repr(c) for c in unknown)}; the columns are "
            "start,end,kind,text and optionally module",
            source=source,
            line=line,
        )
    if len(set(header)) != len(header):
        raise InputError("a column is named twice in the header", source=source, line=line)


def _operation(cells: dict[str, str], habitat: Habitat, source: str, line: int) -> Operation:
    if not cells["start"]:
        raise InputError("start is empty", source=source, line=line, field="start")
    start = parse_utc(cells["start"], source, line, "start")
    end = parse_utc(cells["end"], source, line, "end") if cells["end"] else start
    if end < start:
        raise InputError(
            f"end {cells['end']} is before start {cells['start']}",
            source=source,
            line=line,
            field="end",
        )
    if not cells["kind"]:
        raise InputError(
            "kind is empty (e.g. cargo, docking, EVA, sealant)",
            source=source,
            line=line,
            field="kind",
        )
    module = cells.get("module") or None
    if module is not None and module not in habitat.module_names:
        raise InputError(
            f"unknown module {module!r}; modules: {', '.join(habitat.module_names)}",
            source=source,
            line=line,
            field="module",
        )
    return Operation(start, end, cells["kind"], cells["text"], module, line)
