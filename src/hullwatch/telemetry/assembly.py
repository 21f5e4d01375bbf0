"""Build a :class:`~hullwatch.telemetry.frame.Telemetry` from parsed rows (formats.md section 2).

Every reader (CSV, Parquet, ISSLive) ends here: rows of channels the habitat lacks are
counted and removed, rows are grouped by channel (stably, chunk by chunk, on all
cores, straight into the output arrays), each channel is put in time order, exact
duplicates are dropped and conflicting ones flagged, and values are converted to SI.

A row is *out of order* when its time is earlier than that of the previous row of
the same channel in the file. Within a ``(time, channel)`` group the first row in
the file is kept; a later row with the same value is an exact duplicate (dropped),
one with another value a conflicting duplicate (dropped and flagged; an error in
strict mode).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry.frame import (
    ChannelIssues,
    FloatArray,
    IntArray,
    Telemetry,
    reading_warnings,
)
from hullwatch.units import converter

BoolArray = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.integer[Any]]
#: One chunk of parsed rows in file order: times [ns since 1970, UTC], codes into
#: names, channel names, values in the channel's file unit.
Chunk = tuple[IntArray, Codes, Sequence[str], FloatArray]
RowLines = Callable[[IntArray], IntArray | None]

_T = TypeVar("_T")
_R = TypeVar("_R")
#: Below this many rows, work in one thread.
_PARALLEL_ROWS = 1_000_000
#: Up to this many channels in a chunk, group its rows with one mask per channel.
_MASKED_CHANNELS = 24
#: Rows converted to SI at a time (keeps temporaries small and cache-resident).
_BLOCK = 1 << 16


def _pool_array(size: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A writable numpy array in Arrow's memory pool.

    The pool keeps freed pages for reuse, which spares the page faults of fresh
    memory: on a 10-million-row file these cost as much as the sorting itself.
    """
    itemsize = np.dtype(dtype).itemsize
    buffer = pa.allocate_buffer(max(size, 1) * itemsize)
    return np.frombuffer(buffer, dtype=dtype, count=size)


def parallel_map(function: Callable[[_T], _R], items: Sequence[_T], rows: int) -> list[_R]:
    """``list(map(function, items))``, on all cores when there is enough work."""
    workers = min(os.cpu_count() or 1, 8, len(items))
    if rows < _PARALLEL_ROWS or workers < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


@dataclass
class _Mapped:
    """One chunk with its codes mapped to known-channel ranks (-1: not in the habitat)."""

    times: IntArray
    ranks: Codes
    values: FloatArray
    counts: IntArray
    unknown: dict[str, int]
    grouped: bool
    size: int
    kept: BoolArray | None


def assemble(
    times_ns: IntArray,
    codes: Codes,
    names: Sequence[str],
    values: FloatArray,
    habitat: Habitat,
    source: str,
    *,
    strict: bool = False,
    skipped_rows: int = 0,
    warnings: Sequence[str] = (),
    row_lines: RowLines | None = None,
) -> Telemetry:
    """Build a :class:`Telemetry` from parsed rows in file order and file units.

    Parameters
    ----------
    times_ns : ndarray of int64
        Sample times, UTC nanoseconds since 1970.
    codes : ndarray of int
        Per row, an index into ``names``.
    names : sequence of str
        Channel ids as they appear in the file (may repeat).
    values : ndarray of float64
        Values in each channel's file unit (from the habitat), finite.
    habitat : Habitat
        Gives each channel's unit; rows of channels it lacks are counted and removed.
    source : str
        File name for messages.
    strict : bool
        Raise on conflicting duplicates instead of flagging them.
    skipped_rows : int
        Bad rows the reader skipped.
    warnings : sequence of str
        The reader's own warnings, placed first.
    row_lines : callable, optional
        Maps row indices (file order) to 1-based file lines, for messages.

    Returns
    -------
    Telemetry

    Raises
    ------
    InputError
        In strict mode, when a ``(time, channel)`` comes twice with different values.
    """
    chunk: Chunk = (times_ns, codes, names, values)
    return assemble_chunks(
        [chunk],
        habitat,
        source,
        strict=strict,
        skipped_rows=skipped_rows,
        warnings=warnings,
        row_lines=row_lines,
    )


def assemble_chunks(
    chunks: Sequence[Chunk],
    habitat: Habitat,
    source: str,
    *,
    strict: bool = False,
    skipped_rows: int = 0,
    warnings: Sequence[str] = (),
    row_lines: RowLines | None = None,
) -> Telemetry:
    """:func:`assemble` for rows that come in consecutive chunks (e.g. Arrow record batches).

    The chunks are worked on in parallel threads when there are many rows.
    """
    channel_map = habitat.channel_map
    known = sorted({str(n) for _, _, names, _ in chunks for n in names if n in channel_map})
    rank = {name: i for i, name in enumerate(known)}
    total = sum(len(c[0]) for c in chunks)
    mapped = parallel_map(lambda c: _map_chunk(c, rank), chunks, total)

    counts = np.array([m.counts for m in mapped], dtype=np.int64).reshape(len(mapped), len(known))
    per_channel = counts.sum(axis=0)
    starts = np.concatenate(([0], np.cumsum(per_channel)))
    offsets = starts[:-1] + np.cumsum(counts, axis=0) - counts
    size = int(starts[-1])
    times = _pool_array(size, np.int64)
    values = _pool_array(size, np.float64)
    parallel_map(
        lambda i: _scatter(mapped[i], offsets[i], times, values), range(len(mapped)), total
    )

    segments = [(i, int(starts[i]), int(starts[i + 1])) for i in range(len(known))]
    units = [channel_map[name].unit for name in known]
    fixes = parallel_map(
        lambda seg: _fix_segment(seg, times, values, units[seg[0]]), segments, total
    )

    out_of_order = np.array([f.out_of_order for f in fixes] or [0], dtype=np.int64)
    exact = np.array([f.exact for f in fixes] or [0], dtype=np.int64)
    conflict = np.array([f.conflict for f in fixes] or [0], dtype=np.int64)
    if strict and conflict.sum():
        _raise_conflict(mapped, known, source, row_lines)
    lengths = per_channel.copy()
    if exact.sum() + conflict.sum():
        keep = np.ones(size, dtype=bool)
        for f, (i, start, _) in zip(fixes, segments, strict=True):
            if f.drop is not None:
                keep[start + 1 :][: f.drop.size] &= ~f.drop
                lengths[i] -= int(f.drop.sum())
        kept = int(keep.sum())
        times = np.compress(keep, times, out=_pool_array(kept, np.int64))
        values = np.compress(keep, values, out=_pool_array(kept, np.float64))

    unknown: dict[str, int] = {}
    for m in mapped:
        for name, count in m.unknown.items():
            unknown[name] = unknown.get(name, 0) + count
    ends = np.cumsum(lengths)
    index = {
        name: (int(end - length), int(end))
        for name, length, end in zip(known, lengths, ends, strict=True)
        if length
    }
    telemetry = Telemetry(
        samples=_frame(times, lengths, known, values),
        source=source,
        skipped_rows=skipped_rows,
        unknown_channels=unknown,
        duplicates_dropped=int(exact.sum()),
        conflicting_duplicates=int(conflict.sum()),
        out_of_order_rows=int(out_of_order.sum()),
        channel_issues={
            name: ChannelIssues(int(f.exact), int(f.conflict), int(f.out_of_order))
            for name, f in zip(known, fixes, strict=True)
            if f.exact or f.conflict or f.out_of_order
        },
    )
    telemetry.warnings = [*warnings, *reading_warnings(telemetry)]
    telemetry._index = index
    return telemetry


def _map_chunk(chunk: Chunk, rank: dict[str, int]) -> _Mapped:
    times, codes, names, values = chunk
    dtype = np.int16 if len(rank) < np.iinfo(np.int16).max else np.int32
    lut: Codes = np.array([rank.get(str(n), -1) for n in names] or [-1], dtype=dtype)
    ranks: Codes = lut[np.asarray(codes)] if len(codes) else np.zeros(0, dtype=dtype)
    unknown: dict[str, int] = {}
    size = ranks.size
    kept = None
    if ranks.size and (lut < 0).any():
        missing = ranks < 0
        if missing.any():
            per_name = np.bincount(np.asarray(codes)[missing], minlength=len(names))
            for name, count in zip(names, per_name.tolist(), strict=True):
                if count:
                    unknown[str(name)] = unknown.get(str(name), 0) + int(count)
            kept = ~missing
            times, ranks, values = times[kept], ranks[kept], values[kept]
    counts = np.bincount(ranks, minlength=len(rank)) if ranks.size else np.zeros(len(rank), int)
    grouped = not bool(np.any(ranks[1:] < ranks[:-1]))
    return _Mapped(times, ranks, values, counts, unknown, grouped, size, kept)


def _scatter(chunk: _Mapped, offsets: IntArray, times: IntArray, values: FloatArray) -> None:
    """Copy a chunk's rows, grouped by channel (stably), to their places in the output.

    With few channels a mask per channel writes straight into the output; with many,
    one stable sort of the chunk is cheaper.
    """
    present = np.flatnonzero(chunk.counts)
    if not chunk.grouped and present.size <= _MASKED_CHANNELS:
        for channel in present:
            start = int(offsets[channel])
            stop = start + int(chunk.counts[channel])
            mine = chunk.ranks == channel
            np.compress(mine, chunk.times, out=times[start:stop])
            np.compress(mine, chunk.values, out=values[start:stop])
        return
    if chunk.grouped:
        t, v = chunk.times, chunk.values
    else:
        order = np.argsort(chunk.ranks, kind="stable")
        t, v = chunk.times[order], chunk.values[order]
    position = 0
    for channel in present:
        count = int(chunk.counts[channel])
        start = int(offsets[channel])
        times[start : start + count] = t[position : position + count]
        values[start : start + count] = v[position : position + count]
        position += count


@dataclass
class _Fix:
    out_of_order: int
    exact: int
    conflict: int
    drop: BoolArray | None


def _fix_segment(
    segment: tuple[int, int, int], times: IntArray, values: FloatArray, unit: str
) -> _Fix:
    """Time-order one channel's rows in place, find its duplicates, convert it to SI."""
    _, start, stop = segment
    t = times[start:stop]
    v = values[start:stop]
    out_of_order = exact = conflict = 0
    drop = None
    not_rising = t[1:] <= t[:-1]
    if not_rising.any():
        out_of_order = int(np.count_nonzero(t[1:] < t[:-1]))
        if out_of_order:
            order = np.argsort(t, kind="stable")
            t[:] = t[order]
            v[:] = v[order]
        repeat = t[1:] == t[:-1]
        if repeat.any():
            index = np.arange(1, t.size)
            first = np.maximum.accumulate(np.where(repeat, 0, index))
            differs = repeat & (v[1:] != v[first])
            conflict = int(np.count_nonzero(differs))
            exact = int(np.count_nonzero(repeat)) - conflict
            drop = repeat
    to_si = converter(unit)
    for block in range(0, v.size, _BLOCK):
        v[block : block + _BLOCK] = to_si(v[block : block + _BLOCK])
    return _Fix(out_of_order, exact, conflict, drop)


def _frame(
    times_ns: IntArray, lengths: IntArray, names: list[str], values: FloatArray
) -> pd.DataFrame:
    """The samples frame, through Arrow so that no column is copied.

    The channel column is built from its runs (the rows are grouped by channel),
    not row by row.
    """
    n = times_ns.size
    table = pa.table(
        {
            "time": pa.Array.from_buffers(
                pa.timestamp("ns", "UTC"), n, [None, pa.py_buffer(times_ns)]
            ),
            "channel": _repeated_strings(names, lengths),
            "value": pa.Array.from_buffers(pa.float64(), n, [None, pa.py_buffer(values)]),
        }
    )
    return table.to_pandas(split_blocks=True)


def _repeated_strings(names: list[str], lengths: IntArray) -> pa.Array:
    """A string array holding ``names[i]`` ``lengths[i]`` times, written into raw buffers."""
    encoded = [np.frombuffer(name.encode("utf-8"), dtype=np.uint8) for name in names]
    total_bytes = sum(e.size * int(count) for e, count in zip(encoded, lengths, strict=True))
    # pandas keeps its "str" columns as large_string: build that, or it would cast (copy).
    offset_type = np.int64
    n = int(lengths.sum())
    offsets = _pool_array(n + 1, offset_type)
    data = _pool_array(total_bytes, np.uint8)
    offsets[0] = 0
    row = base = 0
    for e, count in zip(encoded, lengths.tolist(), strict=True):
        if count == 0:
            continue
        span = offsets[row + 1 : row + count + 1]
        np.cumsum(np.broadcast_to(np.array(e.size, offset_type), count), out=span)
        span += base
        data[base : base + e.size * count].reshape(count, e.size)[:] = e
        row += count
        base += e.size * count
    return pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _raise_conflict(
    mapped: list[_Mapped], names: list[str], source: str, row_lines: RowLines | None
) -> None:
    """Name the first conflicting duplicate in file order (error path: not optimized)."""
    ranks = np.concatenate([m.ranks for m in mapped]).astype(np.int64)
    times = np.concatenate([m.times for m in mapped])
    values = np.concatenate([m.values for m in mapped])
    rows = _known_rows(mapped)
    order = np.lexsort((times, ranks))
    t, r, v = times[order], ranks[order], values[order]
    repeat = np.zeros(t.size, dtype=bool)
    repeat[1:] = (t[1:] == t[:-1]) & (r[1:] == r[:-1])
    first = np.maximum.accumulate(np.where(repeat, 0, np.arange(t.size)))
    conflicting = order[repeat & (v != v[first])]
    pick = int(conflicting.min())
    first_value = v[first[np.flatnonzero(order == pick)[0]]]
    line = None
    if row_lines is not None:
        lines = row_lines(rows[np.array([pick])])
        line = int(lines[0]) if lines is not None else None
    stamp = np.datetime_as_string(times[pick : pick + 1].view("datetime64[ns]"), unit="ms")[0]
    raise InputError(
        f"channel {names[ranks[pick]]} has two values at {stamp}Z ({float(first_value)!r} and "
        f"{float(values[pick])!r}); {conflicting.size} conflicting duplicate row(s) in all "
        "(without --strict the first value is kept)",
        source=source,
        line=line,
        field="value",
    )


def _known_rows(mapped: list[_Mapped]) -> IntArray:
    """File-order row index of every row of a known channel."""
    out: list[IntArray] = []
    base = 0
    for m in mapped:
        rows = np.arange(base, base + m.size)
        out.append(rows if m.kept is None else rows[m.kept])
        base += m.size
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
