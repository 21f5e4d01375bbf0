"""The telemetry archive: partitioned Parquet, committed through a manifest, read with DuckDB.

Layout of an archive folder::

    DIR/
      manifest.json                                   committed parts (the commit point)
      state.duckdb                                    alarms, events (hullwatch.store.statedb)
      habitat=ISS/channel=PRK_P/day=2026-05-01/part-000001-3f2a9c1e.parquet
      ...

Each part holds the three long columns ``time`` (timestamp[ns, UTC]), ``channel``
(string) and ``value`` (float64, SI: [Pa], [K], 0/1), sorted by time: the same
columns the Parquet reader accepts (formats.md section 2), in SI. Partition values
are percent-encoded in the path.

Guarantees
----------
- **Idempotent**: a ``(time, channel)`` is stored once. Ingesting rows already
  present adds nothing; a row present with another value keeps the archived value
  and is counted as conflicting.
- **Crash-safe**: a part is written to a temporary file in its partition folder,
  flushed with ``fsync`` and renamed into place; then the manifest is replaced
  atomically (:mod:`hullwatch.store.manifest`). Only parts named in the manifest
  exist for readers; any other part file is left over from an interrupted ingest
  and is deleted when the archive is next opened. A row reported as added by a
  completed :meth:`Archive.ingest` survives any later crash.
- **One writer at a time**: ingests and clean-ups hold an exclusive ``flock`` on
  ``DIR/.lock`` (released by the kernel if the process dies). Readers take no lock:
  they read the manifest (which is replaced atomically) and then its parts.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
import time as _time
import uuid
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.store.manifest import (
    TEMP_PREFIX,
    Manifest,
    Part,
    read_manifest,
    sha256_file,
    write_manifest,
)
from hullwatch.telemetry import Telemetry, to_utc_datetime64
from hullwatch.telemetry.frame import TimeLike

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NS_PER_DAY = 86_400 * 1_000_000_000
_T = TypeVar("_T")
_R = TypeVar("_R")
LOCK_NAME = ".lock"
SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("ns", "UTC"), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
    ]
)
#: Threads writing, reading and flushing part files at once (see :func:`_pool_map`).
_IO_THREADS = 8
#: Attempts of a read that races a compaction deleting the parts it listed.
_READ_ATTEMPTS = 3


@dataclass(frozen=True)
class IngestReport:
    """What one :meth:`Archive.ingest` did.

    Parameters
    ----------
    rows_added : int
        Rows newly committed (acknowledged: durable once the call returns).
    rows_already_present : int
        Rows whose ``(time, channel)`` was already archived with the same value, or
        repeated within the input.
    parts_written : int
        Parquet parts committed.
    source : str
        Where the rows came from (a file name, ``"<stdin>"``, ``"POST /api/ingest"``).
    rows_conflicting : int
        Rows whose ``(time, channel)`` was already archived with another value; the
        archived value is kept.
    ingest : int or None
        Number of the commit in the manifest's log; ``None`` when nothing was new.
    """

    rows_added: int
    rows_already_present: int
    parts_written: int
    source: str
    rows_conflicting: int = 0
    ingest: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True)
class _Group:
    """The rows of one partition in one ingest, sorted by time, unique in time."""

    channel: str
    day: str
    times_ns: IntArray
    values: FloatArray


class Archive:
    """A telemetry archive folder (created if absent).

    Parameters
    ----------
    path : Path
        The archive folder.
    habitat_name : str
        Habitat partition that :meth:`ingest` writes and :meth:`read` reads by default.

    Raises
    ------
    InputError
        If ``path`` is a file, or its manifest is not a hullwatch manifest.

    Notes
    -----
    Opening an archive deletes part files that no manifest names (left by an ingest
    that was killed), unless another process is writing to it at that moment.
    """

    def __init__(self, path: Path | str, habitat_name: str = "ISS") -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise InputError("is a file, not an archive folder", source=str(self.path))
        if not habitat_name:
            raise InputError("the habitat name of an archive partition is empty")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the archive folder ({exc})", source=str(self.path)
            ) from None
        self.habitat_name = habitat_name
        self._thread_lock = threading.Lock()
        read_manifest(self.path)
        self.clean()

    # ------------------------------------------------------------------ writing

    def ingest(self, telemetry: Telemetry, source: str) -> IngestReport:
        """Add the samples of ``telemetry`` that the archive lacks; commit them durably.

        Parameters
        ----------
        telemetry : Telemetry
            Samples in SI (as the readers give them).
        source : str
            Where they came from; kept in the manifest's ingest log.

        Returns
        -------
        IngestReport
            Once this returns, every row counted in ``rows_added`` is on disk and
            named by the manifest.
        """
        groups, repeated, conflicting = _group_rows(telemetry.samples)
        with self._writer():
            manifest = read_manifest(self.path)
            number = manifest.next_ingest
            present = conflicting_total = 0
            new_groups: list[_Group] = []
            index: dict[tuple[str, str, str], list[Part]] = {}
            for part in manifest.parts:
                index.setdefault((part.habitat, part.channel, part.day), []).append(part)
            for fresh, same, differ in _pool_map(
                lambda group: self._new_rows(
                    index.get((self.habitat_name, group.channel, group.day), []), group
                ),
                groups,
            ):
                present += same
                conflicting_total += differ
                if fresh.times_ns.size:
                    new_groups.append(fresh)
            if not new_groups:
                return IngestReport(
                    0, present + repeated, 0, source, conflicting_total + conflicting
                )
            parts = self._write_parts(new_groups, number)
            added = sum(p.rows for p in parts)
            manifest.parts.extend(parts)
            manifest.ingests.append(
                {
                    "ingest": number,
                    "kind": "ingest",
                    "source": source,
                    "rows_added": added,
                    "parts_written": len(parts),
                    "committed": _now_iso(),
                }
            )
            write_manifest(self.path, manifest)
        return IngestReport(
            added, present + repeated, len(parts), source, conflicting_total + conflicting, number
        )

    def compact(self) -> int:
        """Merge each partition's parts into one part; return the parts removed.

        Crash-safe like :meth:`ingest`: the merged parts are committed by one
        manifest replacement, and the old files are deleted only after it (or, after
        a crash, when the archive is next opened).
        """
        with self._writer():
            manifest = read_manifest(self.path)
            by_partition: dict[tuple[str, str, str], list[Part]] = {}
            for part in manifest.parts:
                by_partition.setdefault((part.habitat, part.channel, part.day), []).append(part)
            merge = {k: v for k, v in by_partition.items() if len(v) > 1}
            if not merge:
                return 0
            number = manifest.next_ingest
            groups = []
            for (habitat, channel, day), parts in merge.items():
                table = pa.concat_tables(pq.read_table(self.path / p.path) for p in parts)
                times = _column_ns(table)
                order = np.argsort(times, kind="stable")
                values = table.column("value").to_numpy()[order]
                groups.append((habitat, _Group(channel, day, times[order], values)))
            new_parts: list[Part] = []
            for habitat in sorted({h for h, _ in groups}):
                mine = [g for h, g in groups if h == habitat]
                new_parts.extend(self._write_parts(mine, number, habitat))
            old = {p.path for parts in merge.values() for p in parts}
            manifest.parts = [p for p in manifest.parts if p.path not in old] + new_parts
            manifest.ingests.append(
                {
                    "ingest": number,
                    "kind": "compact",
                    "source": "compact",
                    "rows_added": 0,
                    "parts_written": len(new_parts),
                    "committed": _now_iso(),
                }
            )
            write_manifest(self.path, manifest)
            for path in old:
                with contextlib.suppress(FileNotFoundError):
                    (self.path / path).unlink()
        return len(old)

    def clean(self) -> int:
        """Delete part and temporary files that the manifest does not name.

        Skipped (returns 0) while another process holds the writer lock, since its
        parts are not committed yet.

        Returns
        -------
        int
            Files deleted.
        """
        with self._writer(blocking=False) as locked:
            if not locked:
                return 0
            committed = {p.path for p in read_manifest(self.path).parts}
            removed = 0
            for entry in self.path.iterdir():
                if entry.is_file() and entry.name.startswith(TEMP_PREFIX):
                    entry.unlink()
                    removed += 1
            for file in self.path.glob("habitat=*/channel=*/day=*/*"):
                relative = file.relative_to(self.path).as_posix()
                stray = file.name.startswith(TEMP_PREFIX) or (
                    file.name.startswith("part-")
                    and file.suffix == ".parquet"
                    and relative not in committed
                )
                if stray and file.is_file():
                    file.unlink()
                    removed += 1
            return removed

    # ------------------------------------------------------------------ reading

    def read(
        self,
        habitat: Habitat | str | None = None,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        channels: Collection[str] | None = None,
    ) -> Telemetry:
        """Samples of the archive as :class:`Telemetry`, the form the readers give.

        Parameters
        ----------
        habitat : Habitat or str, optional
            A :class:`Habitat`: read this archive's habitat partition, keep the
            habitat's channels (others are counted in ``unknown_channels``) and, when
            ``start`` is given, also the last sample before ``start`` of each hatch
            channel (a hatch state holds until its next sample). A str: the habitat
            partition to read. ``None``: this archive's partition, every channel.
        start, end : time, optional
            Window bounds, inclusive (ISO 8601 str, datetime or datetime64; no zone
            means UTC).
        channels : collection of str, optional
            Only these channels.

        Returns
        -------
        Telemetry
            Sorted by ``(channel, time)``; values in SI as ingested.
        """
        t0 = _ns(start)
        t1 = _ns(end)
        if t0 is not None and t1 is not None and t1 < t0:
            raise InputError(f"the window ends ({end}) before it starts ({start})", field="--end")
        key = habitat if isinstance(habitat, str) else self.habitat_name
        wanted = set(channels) if channels is not None else None
        known = set(habitat.channel_map) if isinstance(habitat, Habitat) else None
        hatches = (
            {c.id for c in habitat.hatch_channels().values()}
            if isinstance(habitat, Habitat) and t0 is not None
            else set()
        )
        for attempt in range(_READ_ATTEMPTS):
            manifest = read_manifest(self.path)
            try:
                return self._read(manifest, key, t0, t1, wanted, known, hatches)
            except (FileNotFoundError, duckdb.IOException):
                if attempt == _READ_ATTEMPTS - 1:
                    raise
                _time.sleep(0.05)
        raise AssertionError("unreachable")

    def channels(self) -> list[str]:
        """Ids of the channels with samples in this archive's habitat partition, sorted."""
        return sorted({p.channel for p in self._parts()})

    def time_range(self) -> tuple[np.datetime64, np.datetime64] | None:
        """First and last sample time (UTC datetime64[ns]), or ``None`` if empty."""
        parts = self._parts()
        if not parts:
            return None
        first = min(p.time_min_ns for p in parts)
        last = max(p.time_max_ns for p in parts)
        return np.datetime64(first, "ns"), np.datetime64(last, "ns")

    def row_count(self) -> int:
        """Rows committed in this archive's habitat partition."""
        return sum(p.rows for p in self._parts())

    def parts(self) -> list[Part]:
        """Committed parts of every habitat partition, as the manifest lists them."""
        return list(read_manifest(self.path).parts)

    def verify(self) -> list[str]:
        """Check every committed part against the manifest; return the problems found.

        Checks that each part exists, has the recorded SHA-256 and row count, and
        that no ``(time, channel)`` is stored twice. An empty list means all is well.
        """
        problems = []
        manifest = read_manifest(self.path)
        for part in manifest.parts:
            path = self.path / part.path
            if not path.is_file():
                problems.append(f"{part.path}: missing")
                continue
            if sha256_file(path) != part.sha256:
                problems.append(f"{part.path}: content hash differs from the manifest")
            rows = pq.ParquetFile(path).metadata.num_rows
            if rows != part.rows:
                problems.append(f"{part.path}: {rows} rows, the manifest says {part.rows}")
        files = [str(self.path / p.path) for p in manifest.parts]
        if files and not problems:
            with duckdb.connect() as con:
                duplicates = con.execute(
                    "SELECT count(*) FROM (SELECT time, channel FROM read_parquet($files) "
                    "GROUP BY ALL HAVING count(*) > 1)",
                    {"files": files},
                ).fetchone()
            if duplicates and duplicates[0]:
                problems.append(f"{duplicates[0]} (time, channel) pair(s) stored twice")
        return problems

    # ------------------------------------------------------------------ internals

    def _parts(self) -> list[Part]:
        return [p for p in read_manifest(self.path).parts if p.habitat == self.habitat_name]

    @contextlib.contextmanager
    def _writer(self, blocking: bool = True) -> Iterator[bool]:
        """Hold the archive's writer lock (thread and process); yield whether it is held."""
        if not self._thread_lock.acquire(blocking=blocking):
            yield False
            return
        try:
            try:
                handle = open(self.path / LOCK_NAME, "a+b")  # noqa: SIM115
            except OSError as exc:
                if not blocking:  # e.g. a read-only archive: nothing to clean
                    yield False
                    return
                raise InputError(
                    f"cannot write to the archive ({exc})", source=str(self.path)
                ) from None
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def _partition_dir(self, habitat: str, channel: str, day: str) -> str:
        return f"habitat={_quote(habitat)}/channel={_quote(channel)}/day={day}"

    def _new_rows(self, parts: list[Part], group: _Group) -> tuple[_Group, int, int]:
        """The rows of ``group`` not in ``parts`` (its partition's), and the counts of
        rows there with the same value and with another."""
        lo, hi = int(group.times_ns[0]), int(group.times_ns[-1])
        overlapping = [p for p in parts if p.time_max_ns >= lo and p.time_min_ns <= hi]
        if not overlapping:
            return group, 0, 0
        table = pa.concat_tables(
            pq.read_table(self.path / p.path, columns=["time", "value"]) for p in overlapping
        )
        old_times = _column_ns(table)
        old_values = table.column("value").to_numpy()
        order = np.argsort(old_times, kind="stable")
        old_times, old_values = old_times[order], old_values[order]
        at = np.searchsorted(old_times, group.times_ns)
        found = at < old_times.size
        found[found] = old_times[at[found]] == group.times_ns[found]
        same = found.copy()
        same[found] = old_values[at[found]] == group.values[found]
        fresh = _Group(group.channel, group.day, group.times_ns[~found], group.values[~found])
        return fresh, int(same.sum()), int(found.sum() - same.sum())

    def _write_parts(
        self, groups: list[_Group], number: int, habitat: str | None = None
    ) -> list[Part]:
        """Write each group as a part: temporary file, fsync, rename; return the parts.

        The renamed files are not committed: the caller commits them by writing the
        manifest. Every folder whose entries changed is flushed before that.
        """
        habitat = habitat if habitat is not None else self.habitat_name
        changed: set[Path] = set()
        jobs = []
        for group in groups:
            relative_dir = self._partition_dir(habitat, group.channel, group.day)
            folder = self.path / relative_dir
            if not folder.is_dir():
                changed.update(_make_dirs(self.path, folder))
            changed.add(folder)
            name = f"part-{number:06d}-{uuid.uuid4().hex[:12]}.parquet"
            jobs.append((group, relative_dir, name))

        def write(job: tuple[_Group, str, str]) -> Part:
            group, relative_dir, name = job
            data = _parquet_bytes(group)
            with open(self.path / relative_dir / f"{TEMP_PREFIX}{name}", "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            return Part(
                path=f"{relative_dir}/{name}",
                habitat=habitat,
                channel=group.channel,
                day=group.day,
                rows=int(group.times_ns.size),
                sha256=hashlib.sha256(data).hexdigest(),
                time_min_ns=int(group.times_ns[0]),
                time_max_ns=int(group.times_ns[-1]),
                ingest=number,
            )

        temps = [self.path / d / f"{TEMP_PREFIX}{n}" for _, d, n in jobs]
        try:
            parts = _pool_map(write, jobs)
        except BaseException:
            for temp in temps:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
            raise
        for temp, part in zip(temps, parts, strict=True):
            os.replace(temp, self.path / part.path)
        _pool_map(_fsync_path, sorted(changed))
        return parts

    def _read(
        self,
        manifest: Manifest,
        key: str,
        t0: int | None,
        t1: int | None,
        wanted: set[str] | None,
        known: set[str] | None,
        hatches: set[str],
    ) -> Telemetry:
        mine = [
            p
            for p in manifest.parts
            if p.habitat == key and (wanted is None or p.channel in wanted)
        ]
        in_window = [
            p
            for p in mine
            if (t0 is None or p.time_max_ns >= t0) and (t1 is None or p.time_min_ns <= t1)
        ]
        unknown: dict[str, int] = {}
        with duckdb.connect() as con:
            if known is not None:
                stray = [p for p in in_window if p.channel not in known]
                in_window = [p for p in in_window if p.channel in known]
                if stray:
                    unknown = _count_by_channel(con, self.path, stray, t0, t1)
            tables = [_query(con, self.path, in_window, t0, t1)] if in_window else []
            if t0 is not None and hatches:
                # Each hatch channel's last sample before t0 is in its last day with
                # a part starting before t0 (days do not overlap in time).
                before = [p for p in mine if p.channel in hatches and p.time_min_ns < t0]
                last_day: dict[str, str] = {}
                for p in before:
                    last_day[p.channel] = max(last_day.get(p.channel, p.day), p.day)
                chosen = [p for p in before if p.day == last_day[p.channel]]
                if chosen:
                    tables.append(_query(con, self.path, chosen, None, t0, last=True))
        table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
        if not _sorted(table):
            table = table.sort_by([("channel", "ascending"), ("time", "ascending")])
        # One chunk of large strings is what the readers give (pandas keeps it as is).
        channel = table.column("channel").cast(pa.large_string()).combine_chunks()
        samples = table.set_column(1, "channel", channel).to_pandas()
        del table, tables
        warnings = []
        if unknown:
            total = sum(unknown.values())
            listed = ", ".join(f"{k} ({v})" for k, v in sorted(unknown.items()))
            warnings.append(f"skipped {total} row(s) of channels not in the habitat: {listed}")
        return Telemetry(
            samples,
            f"{self.path} (archive)",
            unknown_channels=unknown,
            warnings=warnings,
        )


def _fsync_path(path: Path) -> None:
    """Flush a file or a folder (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pool_map(function: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    """``[function(x) for x in items]`` on a few threads, in order.

    Part files are small, so an ingest is mostly per-file waits (Parquet encoding
    and reading release the GIL; ``fsync`` waits on the disk, and the file system
    commits concurrent flushes together).
    """
    if len(items) <= 1:
        return [function(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(_IO_THREADS, len(items))) as pool:
        return list(pool.map(function, items))


def _make_dirs(root: Path, folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents under ``root``; return the folders whose
    entries changed (the parents of those created)."""
    missing = []
    current = folder
    while current != root and not current.is_dir():
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
    return [created.parent for created in missing]


def _parquet_bytes(group: _Group) -> bytes:
    """One part's Parquet file, in memory."""
    n = group.times_ns.size
    table = pa.table(
        {
            "time": pa.array(group.times_ns, pa.int64()).cast(SCHEMA.field("time").type),
            "channel": pa.repeat(pa.scalar(group.channel, pa.string()), n),
            "value": pa.array(group.values, pa.float64()),
        },
        schema=SCHEMA,
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _query(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    parts: list[Part],
    t0: int | None,
    t1: int | None,
    last: bool = False,
) -> pa.Table:
    """Rows of ``parts`` with ``t0 <= time <= t1`` through DuckDB, as :data:`SCHEMA`.

    The parts are scanned in (channel, day, first time) order, which DuckDB keeps, so
    the rows usually come sorted. With ``last``, only each channel's latest row before
    ``t1``.
    """
    ordered = sorted(parts, key=lambda p: (p.channel, p.day, p.time_min_ns))
    where = []
    params: dict[str, Any] = {"files": [str(folder / p.path) for p in ordered]}
    if t0 is not None:
        where.append("epoch_ns(time) >= $t0")
        params["t0"] = t0
    if t1 is not None:
        where.append(f"epoch_ns(time) {'<' if last else '<='} $t1")
        params["t1"] = t1
    sql = "SELECT time, channel, value FROM read_parquet($files)"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if last:
        sql += " QUALIFY row_number() OVER (PARTITION BY channel ORDER BY time DESC) = 1"
    table = con.sql(sql, params=params).to_arrow_table()
    return pa.table(
        {
            "time": table.column("time").cast(SCHEMA.field("time").type),
            "channel": table.column("channel").cast(pa.string()),
            "value": table.column("value").cast(pa.float64()),
        },
        schema=SCHEMA,
    )


def _sorted(table: pa.Table) -> bool:
    """Whether rows are sorted by ``(channel, time)``."""
    if table.num_rows == 0:
        return True
    runs = pc.run_end_encode(table.column("channel").combine_chunks())
    ids = runs.values.to_pylist()
    if ids != sorted(set(ids)):
        return False
    ends = np.asarray(runs.run_ends, dtype=np.int64)
    times = _column_ns(table)
    descents = np.flatnonzero(times[1:] < times[:-1]) + 1
    return bool(np.isin(descents, ends[:-1]).all())


def _count_by_channel(
    con: duckdb.DuckDBPyConnection, folder: Path, parts: list[Part], t0: int | None, t1: int | None
) -> dict[str, int]:
    table = _query(con, folder, parts, t0, t1)
    counts = table.group_by("channel").aggregate([("value", "count")])
    names = counts.column("channel").to_pylist()
    return dict(zip(names, counts.column("value_count").to_pylist(), strict=True))


def _group_rows(samples: pd.DataFrame) -> tuple[list[_Group], int, int]:
    """Split samples by (channel, UTC day), sorted by time, first of repeated times kept.

    Returns the groups (views into the sorted columns), the number of repeats with
    the same value and with another.
    """
    if len(samples) == 0:
        return [], 0, 0
    times = samples["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    values = np.asarray(samples["value"], dtype=np.float64)
    if not np.isfinite(values).all():
        raise InputError("telemetry to archive holds values that are not finite")
    codes, names = pd.factorize(samples["channel"], sort=True)
    codes = codes.astype(np.int32)
    step = np.diff(codes)
    # Readers give (channel, time) order, which needs no sort.
    if not ((step >= 0).all() and (np.diff(times)[step == 0] >= 0).all()):
        order = np.lexsort((times, codes))
        times, values, codes = times[order], values[order], codes[order]
        step = np.diff(codes)
    days = np.floor_divide(times, NS_PER_DAY)
    same_place = (step == 0) & (days[1:] == days[:-1])
    del step
    repeat = np.concatenate(([False], same_place & (times[1:] == times[:-1])))
    same = different = 0
    if repeat.any():
        # Each repeat is compared with the first row of its (time, channel), kept.
        first = np.maximum.accumulate(np.where(~repeat, np.arange(times.size), 0))
        same = int((repeat & (values == values[first])).sum())
        different = int(repeat.sum()) - same
        keep = ~repeat
        times, values, codes, days = times[keep], values[keep], codes[keep], days[keep]
        same_place = (codes[1:] == codes[:-1]) & (days[1:] == days[:-1])
    starts = np.concatenate(([0], np.flatnonzero(~same_place) + 1))
    stops = np.concatenate((starts[1:], [times.size]))
    groups = [
        _Group(
            str(names[int(codes[a])]),
            str(np.datetime64(int(days[a]), "D")),
            times[a:b],
            values[a:b],
        )
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]
    return groups, same, different


def _column_ns(table: pa.Table) -> IntArray:
    """The ``time`` column of an Arrow table as int64 UTC nanoseconds."""
    column = table.column("time").cast(pa.timestamp("ns", "UTC")).cast(pa.int64())
    return np.asarray(column.to_numpy(), dtype=np.int64)


def _ns(value: TimeLike | None) -> int | None:
    if value is None:
        return None
    return int(to_utc_datetime64(value).astype("datetime64[ns]").view(np.int64))


def _quote(text: str) -> str:
    """A partition value as a path segment: percent-encoded, never ``.`` or ``..``."""
    encoded = quote(text, safe="")
    return "%2E" + encoded[1:] if encoded.startswith(".") else encoded


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
