"""Read and write telemetry files: long CSV (formats.md section 2), wide CSV and Parquet.

Reading a CSV takes a fast path first: :func:`pyarrow.csv.read_csv` with typed
columns, multi-threaded. Only when that fails, or finds a value it cannot accept
(not finite, a hatch neither 0 nor 1), does a second, string-typed pass find every
bad row, vectorized, with its 1-based file line (the header is line 1).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry.assembly import Chunk, RowLines, assemble_chunks, parallel_map
from hullwatch.telemetry.frame import FloatArray, IntArray, Telemetry

BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

LONG_COLUMNS = ("time", "channel", "value")
STDIN = "<stdin>"
_PARQUET_MAGIC = b"PAR1"
_HEAD_BYTES = 1 << 16
_ZONE = re.compile(r"[T ]\d.*(Z|z|[+-]\d\d(:?\d\d)?)$")
_UNIT_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
_BLOCK_SIZE = 1 << 24


@dataclass
class _Rows:
    """Parsed rows in file order, in chunks, before :func:`assemble_chunks`."""

    chunks: list[Chunk]
    skipped: int = 0
    row_lines: RowLines | None = None


def _one_chunk(
    times_ns: IntArray,
    codes: IntArray,
    names: list[str],
    values: FloatArray,
    skipped: int,
    row_lines: RowLines | None = None,
) -> _Rows:
    return _Rows([(times_ns, codes, names, values)], skipped, row_lines)


@dataclass
class BadRows:
    """Bad rows found by vectorized checks: one boolean mask per check, over all rows.

    ``where`` maps a row to its place in the file (a line number, or a row number for
    Parquet); ``show`` gives the row's text for the message.
    """

    where: IntArray
    show: Callable[[int], str]
    place: str = "line"
    checks: list[tuple[BoolArray, str | None, str]] = field(default_factory=list)

    def add(self, mask: BoolArray, column: str | None, reason: str) -> None:
        if mask.any():
            self.checks.append((mask, column, reason))

    def add_at(self, rows: IntArray, mask: BoolArray, column: str | None, reason: str) -> None:
        """Add a check computed on the subset ``rows`` of all rows."""
        if mask.any():
            full = np.zeros(self.where.size, dtype=bool)
            full[rows[mask]] = True
            self.checks.append((full, column, reason))

    def any(self) -> BoolArray:
        out = np.zeros(self.where.size, dtype=bool)
        for mask, _, _ in self.checks:
            out |= mask
        return out

    def raise_or_count(self, source: str, skip: bool) -> int:
        """Raise :class:`InputError` naming the first bad row, or return the bad-row count."""
        bad = self.any()
        count = int(bad.sum())
        if count == 0 or skip:
            return count
        first = int(np.argmax(bad))
        column, reason = next((c, r) for m, c, r in self.checks if m[first])
        text = self.show(first)
        shown = text if len(text) <= 80 else text[:77] + "..."
        where = int(self.where[first])
        message = (
            f"bad row: {reason}: {shown!r}; {count} bad row(s) in all "
            "(--skip-bad-rows skips and counts them)"
        )
        if self.place == "line":
            raise InputError(message, source=source, line=where, field=column)
        raise InputError(f"row {where}: {message}", source=source, field=column)


@dataclass(frozen=True)
class _Header:
    columns: list[str]
    wide: bool

    def index(self, name: str) -> int:
        return [c.lower() for c in self.columns].index(name)


# ----------------------------------------------------------------------------- public API


def read_telemetry(
    source: str | Path,
    habitat: Habitat,
    *,
    skip_bad_rows: bool = False,
    strict: bool = False,
) -> Telemetry:
    """Read a telemetry file into :class:`Telemetry` (SI, sorted, checked).

    Parameters
    ----------
    source : str or Path
        ``"-"`` for standard input (CSV); a long CSV (``time,channel,value``); a wide
        CSV (``time,<channel>,<channel>,...``, told apart by its header; an empty cell
        is no sample); or Parquet (``.parquet``, the three long columns).
    habitat : Habitat
        Gives each channel's unit; rows of other channels are counted and skipped.
    skip_bad_rows : bool
        Skip and count rows with an unparseable time or value instead of failing.
    strict : bool
        Fail on a ``(time, channel)`` given twice with different values (otherwise the
        first is kept and the row is flagged).

    Returns
    -------
    Telemetry
        Values in SI ([Pa], [K], 0/1), times UTC. Times without a zone are UTC.

    Raises
    ------
    InputError
        Missing, empty or unreadable file, not CSV or Parquet, missing header columns,
        non-UTF-8 text, or a bad row (unparseable time or value, value not finite,
        hatch value not 0 or 1) without ``skip_bad_rows``: the message names the
        first bad row's line and the number of bad rows.
    """
    name, path, data = _open(source)
    head = data[:_HEAD_BYTES] if data is not None else _read_head(path)
    if not head:
        raise InputError(
            "empty file: expected a header line such as time,channel,value", source=name
        )
    rows: _Rows | None
    if head.startswith(_PARQUET_MAGIC) or (path is not None and path.suffix == ".parquet"):
        rows = _read_parquet(name, path, data, habitat, skip_bad_rows)
    else:
        header = _parse_header(head, name)
        rows = _read_csv_fast(name, path, data, head, header, habitat)
        if rows is None:
            full = data if data is not None else _read_all(path, name)
            rows = _read_csv_slow(name, full, header, habitat, skip_bad_rows)
    return assemble_chunks(
        rows.chunks,
        habitat,
        name,
        strict=strict,
        skipped_rows=rows.skipped,
        row_lines=rows.row_lines,
    )


def write_telemetry(samples: pd.DataFrame, path: str | Path) -> None:
    """Write samples as a long CSV (formats.md section 2) or, for ``.parquet``, Parquet.

    Parameters
    ----------
    samples : pandas.DataFrame
        Columns ``time`` (datetime64, UTC or without a zone), ``channel`` (str or
        categorical) and ``value`` (float, already in each channel's file unit).
    path : str or Path
        Output file; its suffix picks the format. CSV times are written as
        ``YYYY-MM-DDTHH:MM:SS.fffZ`` (rounded to the millisecond) and values in the
        shortest form that reads back to the same float.

    Raises
    ------
    InputError
        If a column is missing, a time is missing, or a value is not finite.
    """
    missing = [c for c in LONG_COLUMNS if c not in samples.columns]
    if missing:
        raise InputError(f"cannot write telemetry without columns {missing}", source=str(path))
    times = pd.to_datetime(samples["time"], utc=True)
    if times.isna().any():
        raise InputError("cannot write telemetry with missing times", source=str(path))
    time_ns = times.dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").view(np.int64)
    values = np.asarray(samples["value"], dtype=np.float64)
    if not np.isfinite(values).all():
        raise InputError("cannot write telemetry with values that are not finite", source=str(path))
    channel = pa.array(samples["channel"]).cast(pa.string())
    path = Path(path)
    if path.suffix == ".parquet":
        stamp = pa.array(time_ns, pa.int64()).view(pa.timestamp("ns", "UTC"))
        table = pa.table({"time": stamp, "channel": channel, "value": pa.array(values)})
        pq.write_table(table, path)
        return
    table = pa.table({"time": _iso_millis(time_ns), "channel": channel, "value": values})
    names = pc.unique(channel).to_pylist()
    plain = not any(set(str(n)) & set(',"\r\n') for n in names)
    options = pacsv.WriteOptions(include_header=False, quoting_style="none" if plain else "needed")
    with path.open("wb") as out:
        out.write(",".join(LONG_COLUMNS).encode() + b"\n")
        pacsv.write_csv(table, out, options)


# ----------------------------------------------------------------------------- sources


def _open(source: str | Path) -> tuple[str, Path | None, bytes | None]:
    """``(name, path, data)``: standard input is read whole; a file is checked, not read."""
    if str(source) == "-":
        return STDIN, None, sys.stdin.buffer.read()
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("no such file", source=name)
    if path.is_dir():
        raise InputError(
            "is a directory; ISS-Mimic recordings are read with --isslive-year YEAR",
            source=name,
        )
    return name, path, None


def _read_head(path: Path | None) -> bytes:
    """The first bytes of a file, extended to hold the first two lines where it can."""
    assert path is not None
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            while head.count(b"\n") < 2:
                more = handle.read(_HEAD_BYTES)
                if not more or len(head) > 64 * _HEAD_BYTES:
                    break
                head += more
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    return head


def _read_all(path: Path | None, name: str) -> bytes:
    assert path is not None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=name) from None


def _parse_header(head: bytes, name: str) -> _Header:
    """Tell long from wide CSV by the header (line 1)."""
    if b"\x00" in head:
        raise InputError("not a CSV or Parquet file (binary data)", source=name, line=1)
    first = head.split(b"\n", 1)[0]
    try:
        text = first.decode("utf-8").removeprefix("\ufeff").rstrip("\r")
    except UnicodeDecodeError:
        raise InputError(
            "not a CSV or Parquet file: the header is not UTF-8 text", source=name, line=1
        ) from None
    columns = [c.strip().strip('"').strip() for c in text.split(",")]
    lowered = [c.lower() for c in columns]
    expected = (
        "expected the header time,channel,value (long form) or time,<channel id>,... (wide form)"
    )
    if not text.strip():
        raise InputError(f"line 1 is empty; {expected}", source=name, line=1)
    if all(c in lowered for c in LONG_COLUMNS):
        if len(set(lowered)) != len(lowered):
            raise InputError("a header column appears twice", source=name, line=1)
        return _Header(columns, wide=False)
    if lowered[0] == "time" and len(columns) >= 2:
        if "" in columns[1:]:
            raise InputError("a channel column of the wide header has no name", source=name, line=1)
        if len(set(columns)) != len(columns):
            twice = sorted({c for c in columns if columns.count(c) > 1})
            raise InputError(f"channel column {twice[0]!r} appears twice", source=name, line=1)
        return _Header(columns, wide=True)
    found = [c for c in LONG_COLUMNS if c not in lowered]
    raise InputError(
        f"missing header column(s) {', '.join(found)}; {expected}; found {text[:80]!r}",
        source=name,
        line=1,
    )


# ----------------------------------------------------------------------------- CSV fast path


def _time_type(head: bytes, header: _Header) -> pa.DataType:
    """``timestamp[ns, UTC]`` if the first data row's time has a zone, else naive (UTC)."""
    lines = head.split(b"\n")
    if len(lines) > 1:
        cells = lines[1].decode("utf-8", "replace").rstrip("\r").split(",")
        position = header.index("time")
        if position < len(cells) and not _ZONE.search(cells[position].strip().strip('"')):
            return pa.timestamp("ns")
    return pa.timestamp("ns", "UTC")


def _read_csv_fast(
    name: str,
    path: Path | None,
    data: bytes | None,
    head: bytes,
    header: _Header,
    habitat: Habitat,
) -> _Rows | None:
    """Typed pyarrow read; ``None`` when any row needs the slow path."""
    time_column = header.columns[header.index("time")]
    column_types: dict[str, pa.DataType] = {time_column: _time_type(head, header)}
    if header.wide:
        for column in header.columns[1:]:
            column_types[column] = pa.float64() if column in habitat.channel_map else pa.string()
        include = header.columns
        nulls = [""]
    else:
        channel_column = header.columns[header.index("channel")]
        value_column = header.columns[header.index("value")]
        column_types[channel_column] = pa.string()
        column_types[value_column] = pa.float64()
        include = [time_column, channel_column, value_column]
        nulls = []
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data) if data is not None else str(path),
            read_options=pacsv.ReadOptions(block_size=_BLOCK_SIZE),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                include_columns=include,
                null_values=nulls,
                strings_can_be_null=header.wide,
                quoted_strings_can_be_null=header.wide,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.num_rows == 0:
        raise InputError("no data rows after the header", source=name)
    if table.column(time_column).null_count:
        return None
    if header.wide:
        rows = _wide_fast(table, header, habitat)
    else:
        rows = _long_fast(table, time_column, channel_column, value_column, habitat)
    if rows is not None:
        rows.row_lines = _lazy_row_lines(data, path)
    return rows


def _numpy(array: pa.Array, dtype: type) -> npt.NDArray[Any]:
    """A null-free Arrow array as numpy, zero-copy where Arrow allows."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=dtype)


def _long_fast(
    table: pa.Table, time_column: str, channel_column: str, value_column: str, habitat: Habitat
) -> _Rows | None:
    """Chunks straight from the record batches; ``None`` if a row needs the slow path."""
    known = sorted(habitat.channel_map)
    value_set = pa.array(known, pa.string())
    hatch = _hatch_lut(known, habitat)
    batches = table.to_batches()

    def convert(batch: pa.RecordBatch) -> Chunk | None:
        channel = batch.column(channel_column)
        index = pc.index_in(channel, value_set=value_set)
        values = _numpy(batch.column(value_column), np.float64)
        if not np.isfinite(values).all():
            return None
        names = list(known)
        if index.null_count:
            missing = index.is_null()
            others = pc.filter(channel, missing).dictionary_encode()
            extra = [str(n) for n in others.dictionary.to_pylist()]
            if any(n != n.strip().strip('"') or not n for n in extra):
                return None
            at = np.flatnonzero(_mask(missing))
            codes = np.array(index.fill_null(0).to_numpy(), dtype=np.int32)
            codes[at] = len(known) + _numpy(others.indices, np.int32)
            names += extra
        else:
            codes = _numpy(index, np.int32)
        if hatch.any() and np.any(
            hatch[np.minimum(codes, len(known))] & (values != 0.0) & (values != 1.0)
        ):
            return None
        times = _numpy(batch.column(time_column).view(pa.int64()), np.int64)
        return (times, codes, names, values)

    chunks = parallel_map(convert, batches, table.num_rows)
    if any(c is None for c in chunks):
        return None
    return _Rows([c for c in chunks if c is not None])


def _wide_fast(table: pa.Table, header: _Header, habitat: Habitat) -> _Rows | None:
    times = _numpy(table.column(header.columns[0]).combine_chunks().view(pa.int64()), np.int64)
    names = header.columns[1:]
    chunks: list[Chunk] = []
    for column in names:
        data = table.column(column).combine_chunks()
        present = ~_mask(data.is_null())
        channel = habitat.channel(column)
        if channel is None:
            values = np.zeros(int(present.sum()))
        else:
            values = _numpy(data.fill_null(0.0), np.float64)[present]
            if not np.isfinite(values).all():
                return None
            if channel.quantity == "hatch" and np.any((values != 0.0) & (values != 1.0)):
                return None
        chunks.append((times[present], np.zeros(values.size, np.int64), [column], values))
    return _Rows(chunks)


def _hatch_lut(names: list[str], habitat: Habitat) -> BoolArray:
    """Per name, whether it is a hatch channel; one extra ``False`` at the end."""
    channels = habitat.channel_map
    return np.array(
        [n in channels and channels[n].quantity == "hatch" for n in names] + [False], dtype=bool
    )


def _lazy_row_lines(data: bytes | None, path: Path | None) -> Callable[[IntArray], IntArray | None]:
    """Row index -> file line, computed from the bytes only when asked (for messages)."""

    def row_lines(rows: IntArray) -> IntArray | None:
        try:
            raw = data if data is not None else Path(str(path)).read_bytes()
        except OSError:
            return None
        buffer = np.frombuffer(raw, dtype=np.uint8)
        newlines = np.flatnonzero(buffer == ord("\n"))
        starts = np.concatenate(([0], newlines + 1))
        ends = np.concatenate((newlines, [buffer.size]))
        length = ends - starts
        last = buffer[np.maximum(ends - 1, 0)] if buffer.size else np.zeros(0, np.uint8)
        blank = (length == 0) | ((length == 1) & (last == ord("\r")))
        data_lines = np.flatnonzero(~blank) + 1
        wanted = rows + 1
        if wanted.size and wanted.max() >= data_lines.size:
            return None
        return data_lines[wanted]

    return row_lines


# ----------------------------------------------------------------------------- CSV slow path


def text_lines(data: bytes) -> tuple[pa.Array, BoolArray]:
    """Split bytes into lines (without ``\\r\\n``) and say which lines are valid UTF-8.

    Returns
    -------
    lines : pyarrow.LargeStringArray
        Line ``i`` is file line ``i + 1``; bytes that are not UTF-8 become U+FFFD.
    utf8_ok : ndarray of bool
        Per line, whether its bytes were valid UTF-8.
    """
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = pc.split_pattern(pa.array([text], pa.large_string()), "\n").flatten()
    lines = pc.utf8_rtrim(lines, "\r")
    utf8_ok = np.ones(len(lines), dtype=bool)
    if "\ufffd" in text:
        utf8_ok = ~_mask(pc.match_substring(lines, "\ufffd"))
    return lines, utf8_ok


def _mask(array: pa.Array | pa.ChunkedArray) -> BoolArray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _strings(array: pa.Array) -> ObjArray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)


def parse_iso_times(strings: ObjArray) -> tuple[IntArray, BoolArray]:
    """ISO 8601 strings to UTC nanoseconds, vectorized; no zone means UTC.

    Returns
    -------
    times_ns : ndarray of int64
        UTC nanoseconds since 1970 (0 where invalid).
    invalid : ndarray of bool
        Unparseable, or outside the nanosecond range (1677-2262).
    """
    if strings.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    parsed = pd.to_datetime(
        pd.Series(strings, dtype=object), format="ISO8601", utc=True, errors="coerce"
    )
    invalid = np.asarray(parsed.isna(), dtype=bool)
    unit = parsed.dt.unit
    raw = parsed.to_numpy(dtype=f"datetime64[{unit}]").view(np.int64)
    factor = _UNIT_NS[unit]
    limit = np.iinfo(np.int64).max // factor
    invalid = invalid | (raw > limit) | (raw < -limit)
    out = np.zeros(strings.size, dtype=np.int64)
    out[~invalid] = raw[~invalid] * factor
    return out, invalid


def parse_numbers(strings: ObjArray) -> FloatArray:
    """Strings to float64, vectorized; NaN where a string is not a number."""
    if strings.size == 0:
        return np.zeros(0)
    return np.asarray(pd.to_numeric(strings, errors="coerce"), dtype=np.float64)


def _read_csv_slow(name: str, data: bytes, header: _Header, habitat: Habitat, skip: bool) -> _Rows:
    """String-typed pass that finds every bad row with its file line."""
    lines, utf8_ok = text_lines(data)
    body = lines.slice(1)
    n = len(body)
    bad = BadRows(np.arange(2, n + 2, dtype=np.int64), lambda i: str(body[i].as_py()))
    blank = _mask(pc.equal(pc.utf8_trim_whitespace(body), ""))
    if bool(blank.all()):
        raise InputError("no data rows after the header", source=name)
    ncols = len(header.columns)
    parts = pc.split_pattern(body, ",")
    counts = np.asarray(pc.list_value_length(parts).to_numpy(), dtype=np.int64)
    bad.add(~utf8_ok[1:] & ~blank, None, "not UTF-8 text")
    wrong = (counts != ncols) & ~blank & utf8_ok[1:]
    bad.add(wrong, None, f"not {ncols} comma-separated fields")
    rows = np.flatnonzero(~blank & ~wrong & utf8_ok[1:])
    good = parts.filter(pa.array(~blank & ~wrong & utf8_ok[1:]))

    def cell(j: int) -> ObjArray:
        return _strings(pc.utf8_trim(pc.list_element(good, j), ' \t"'))

    time_col = header.index("time")
    times, bad_time = parse_iso_times(cell(time_col))
    bad.add_at(
        rows, bad_time, header.columns[time_col], "time is not an ISO 8601 time in 1677-2262"
    )
    if header.wide:
        return _slow_wide(header, rows, cell, times, bad, habitat, name, skip)
    return _slow_long(header, rows, cell, times, bad, habitat, name, skip)


def _slow_long(
    header: _Header,
    rows: IntArray,
    cell: Callable[[int], ObjArray],
    times: IntArray,
    bad: BadRows,
    habitat: Habitat,
    name: str,
    skip: bool,
) -> _Rows:
    channel_col, value_col = header.index("channel"), header.index("value")
    channels = cell(channel_col)
    bad.add_at(rows, channels == "", header.columns[channel_col], "channel is empty")
    values = parse_numbers(cell(value_col))
    value_name = header.columns[value_col]
    bad.add_at(rows, ~np.isfinite(values), value_name, "value is not a finite number")
    encoded = pa.array(channels, pa.string()).dictionary_encode()
    names = [str(n) for n in encoded.dictionary.to_pylist()]
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    hatch = _hatch_lut(names, habitat)[codes] if codes.size else np.zeros(0, dtype=bool)
    bad.add_at(
        rows,
        hatch & np.isfinite(values) & (values != 0.0) & (values != 1.0),
        value_name,
        "hatch value is not 0 or 1",
    )
    skipped = bad.raise_or_count(name, skip)
    keep = ~bad.any()[rows]
    lines = bad.where[rows[keep]]
    return _one_chunk(times[keep], codes[keep], names, values[keep], skipped, lambda r: lines[r])


def _slow_wide(
    header: _Header,
    rows: IntArray,
    cell: Callable[[int], ObjArray],
    times: IntArray,
    bad: BadRows,
    habitat: Habitat,
    name: str,
    skip: bool,
) -> _Rows:
    names = header.columns[1:]
    present: list[BoolArray] = []
    numbers: list[FloatArray] = []
    for j, column in enumerate(names, start=1):
        text = cell(j)
        filled = text != ""
        channel = habitat.channel(column)
        values = parse_numbers(text) if channel is not None else np.zeros(text.size)
        if channel is not None:
            bad.add_at(rows, filled & ~np.isfinite(values), column, "value is not a finite number")
            if channel.quantity == "hatch":
                bad.add_at(
                    rows,
                    filled & np.isfinite(values) & (values != 0.0) & (values != 1.0),
                    column,
                    "hatch value is not 0 or 1",
                )
        present.append(filled)
        numbers.append(values)
    skipped = bad.raise_or_count(name, skip)
    keep = ~bad.any()[rows]
    parts_t, parts_c, parts_v = [], [], []
    for code, (filled, values) in enumerate(zip(present, numbers, strict=True)):
        take = keep & filled
        parts_t.append(times[take])
        parts_v.append(values[take])
        parts_c.append(np.full(int(take.sum()), code, dtype=np.int64))
    return _one_chunk(
        np.concatenate(parts_t), np.concatenate(parts_c), names, np.concatenate(parts_v), skipped
    )


# ----------------------------------------------------------------------------- Parquet


def _read_parquet(
    name: str, path: Path | None, data: bytes | None, habitat: Habitat, skip: bool
) -> _Rows:
    try:
        table = pq.read_table(pa.BufferReader(data) if data is not None else str(path))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"not a readable Parquet file ({exc})", source=name) from None
    lowered = {c.lower(): c for c in table.column_names}
    missing = [c for c in LONG_COLUMNS if c not in lowered]
    if missing:
        raise InputError(
            f"Parquet telemetry lacks column(s) {', '.join(missing)}; "
            f"expected time, channel, value; found {', '.join(table.column_names)}",
            source=name,
        )
    if table.num_rows == 0:
        raise InputError("no data rows", source=name)
    n = table.num_rows
    time_col = table.column(lowered["time"]).combine_chunks()
    channel_col = table.column(lowered["channel"]).combine_chunks()
    value_col = table.column(lowered["value"]).combine_chunks()

    def show(i: int) -> str:
        return f"{time_col[i].as_py()},{channel_col[i].as_py()},{value_col[i].as_py()}"

    bad = BadRows(np.arange(1, n + 1, dtype=np.int64), show, place="row")
    times, bad_time = _parquet_times(time_col, name)
    bad.add(bad_time, "time", "time is missing or not a time in 1677-2262")
    try:
        channel_text = channel_col.cast(pa.string())
    except pa.ArrowException:
        raise InputError(
            f"channel column has type {channel_col.type}, expected strings", source=name
        ) from None
    bad.add(
        _mask(channel_text.is_null()) | _mask(pc.equal(channel_text.fill_null(""), "")),
        "channel",
        "channel is missing",
    )
    values = _parquet_values(value_col, name)
    bad.add(~np.isfinite(values), "value", "value is missing or not a finite number")
    encoded = channel_text.fill_null("").dictionary_encode()
    names = [str(c) for c in encoded.dictionary.to_pylist()]
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    hatch = _hatch_lut(names, habitat)[codes]
    bad.add(
        hatch & np.isfinite(values) & (values != 0.0) & (values != 1.0),
        "value",
        "hatch value is not 0 or 1",
    )
    skipped = bad.raise_or_count(name, skip)
    keep = ~bad.any()
    return _one_chunk(times[keep], codes[keep], names, values[keep], skipped)


def _parquet_times(column: pa.Array, name: str) -> tuple[IntArray, BoolArray]:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return parse_iso_times(_strings(column))
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        null = _mask(column.is_null())
        target = pa.timestamp("ns", kind.tz if pa.types.is_timestamp(kind) else None)
        try:
            as_ns = column.cast(target)
        except pa.ArrowException:
            raise InputError("a time is outside 1677-2262", source=name, field="time") from None
        raw = np.asarray(as_ns.view(pa.int64()).fill_null(0).to_numpy(), dtype=np.int64)
        return raw, null
    raise InputError(
        f"time column has type {kind}, expected timestamps or ISO 8601 strings",
        source=name,
        field="time",
    )


def _parquet_values(column: pa.Array, name: str) -> FloatArray:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return parse_numbers(_strings(column))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        as_float = column.cast(pa.float64())
        return np.asarray(as_float.fill_null(np.nan).to_numpy(), dtype=np.float64)
    raise InputError(f"value column has type {kind}, expected numbers", source=name, field="value")


# ----------------------------------------------------------------------------- writing


def _iso_millis(time_ns: IntArray) -> pa.Array:
    """UTC nanoseconds -> ``YYYY-MM-DDTHH:MM:SS.fffZ``, rounded to the millisecond."""
    millis = np.floor_divide(time_ns + 500_000, 1_000_000)
    text = pa.array(millis, pa.int64()).view(pa.timestamp("ms")).cast(pa.string())
    text = pc.utf8_replace_slice(text, 10, 11, "T")
    return pc.binary_join_element_wise(text, pa.scalar("Z"), "")


# ----------------------------------------------------------------------------- any source


def load_telemetry(
    source: str | Path,
    habitat: Habitat,
    *,
    skip_bad_rows: bool = False,
    strict: bool = False,
    isslive_year: int | None = None,
) -> Telemetry:
    """Read any telemetry source: CSV, Parquet, or an ISS-Mimic recording.

    An ISS-Mimic recording (see :mod:`hullwatch.telemetry.isslive`) is read when
    ``isslive_year`` is given or the path looks like one; its year is then
    ``isslive_year`` or, failing that, the date in a folder or file name
    (``2019-10-12_lab_day``), which the warnings say.

    Parameters
    ----------
    source : str or Path
        A file, a folder (ISS-Mimic), or ``"-"`` for standard input (CSV).
    habitat : Habitat
        The habitat whose channels the data holds.
    skip_bad_rows, strict : bool
        As for :func:`read_telemetry`.
    isslive_year : int, optional
        Year of an ISS-Mimic recording.

    Returns
    -------
    Telemetry

    Raises
    ------
    InputError
        As the reader raises, or when an ISS-Mimic recording has no year.
    """
    from hullwatch.telemetry import isslive

    if isslive_year is None and not isslive.looks_like_isslive(source):
        return read_telemetry(source, habitat, skip_bad_rows=skip_bad_rows, strict=strict)
    if str(source) == "-":
        raise InputError("ISS-Mimic recordings cannot be read from standard input", source=STDIN)
    year = isslive_year if isslive_year is not None else isslive.year_from_path(source)
    if year is None:
        raise InputError(
            "this looks like an ISS-Mimic recording, whose timestamps do not hold the "
            "year: give --isslive-year YEAR",
            source=str(source),
        )
    telemetry = isslive.read_isslive(
        source, year, habitat, skip_bad_rows=skip_bad_rows, strict=strict
    )
    if isslive_year is None:
        telemetry.warnings.insert(
            0,
            f"read as an ISS-Mimic recording of {year}, the year taken from the path "
            "(--isslive-year overrides)",
        )
    return telemetry
