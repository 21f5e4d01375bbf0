"""Read ISS-Mimic / ISSLive recordings (real-data/README.md).

Three layouts are read, all whitespace-separated numbers, one update per line:

* a folder of ``<PUI>.txt`` files, ``"<TimeStamp> <Value> "`` per line, lines not
  always in time order (``2019-10-12_lab_day/``);
* the EVA 45 files ``TestData.txt`` (tab-separated ``time, AIRLOCK000049,
  AIRLOCK000047, AIRLOCK000048``) and ``EVA_Test_Data.txt`` (the same plus a fifth,
  space-separated column AIRLOCK000054), where ``-`` means no update;
* a folder of ``chartcache_<series>.txt`` files taken from an Excel chart cache
  (EVA 44), where ``airlock_pres`` is AIRLOCK000054 and a ``0.0 0.0`` row is a
  blank cell, dropped.

The year is not in the files; it comes from provenance (see :func:`isslive_to_utc`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry.assembly import Chunk, assemble_chunks
from hullwatch.telemetry.frame import FloatArray, IntArray, Telemetry
from hullwatch.telemetry.readers import BadRows, parse_numbers, text_lines

#: Columns of the EVA 45 test-data files, in order.
EVA_TEST_COLUMNS = ("AIRLOCK000049", "AIRLOCK000047", "AIRLOCK000048", "AIRLOCK000054")
#: Chart-cache series that are not named by their PUI.
CHARTCACHE_SERIES = {"airlock_pres": "AIRLOCK000054"}
#: Years the ISSLive feed can have recorded (timestamps are year-relative).
YEARS = range(1998, 2101)

_DATED = re.compile(r"^((19|20)\d\d)-\d\d-\d\d")
_NS_PER_MS = 1_000_000
_MS_PER_HOUR = 3_600_000


def isslive_to_utc(timestamp_hours: npt.ArrayLike, year: int) -> npt.NDArray[np.datetime64]:
    """ISSLive ``TimeStamp`` [h] to UTC ``datetime64[ns]``, rounded to the millisecond.

    The Lightstreamer ``TimeStamp`` counts decimal hours from 00:00 UTC on 31 December
    of the previous year (1 January is day-of-year 1)::

        utc = datetime(year - 1, 12, 31, tzinfo=UTC) + timedelta(hours=TimeStamp)

    real-data/README.md gives three independent checks of this convention:

    * 2019 lab day: the solar beta angle computed from the J2000 state vector
      (USLAB000032..37) matches the telemetered beta (USLAB000040) to 0.02 degrees
      only with it; "hours since 1 January 00:00" misses by 0.94 degrees.
    * EVA 45: the crew-lock repress then starts at 2017-10-10 18:21:50 UTC, when the
      EVA (from 11:56 UTC, 6 h 26 min) ended; an EVA ends at the start of repress.
    * EVA 44: the crew-lock repress then starts at 2017-10-05 19:00:00 UTC,
      consistent with the 6 h 55 min EVA; "1 January = day 0" would put both EVAs on
      days without a US EVA.

    Parameters
    ----------
    timestamp_hours : array_like
        ISSLive ``TimeStamp`` values. [h]
    year : int
        The year of the recording (from provenance; not stored in the files).

    Returns
    -------
    ndarray of datetime64[ns]
        UTC times.

    Raises
    ------
    InputError
        If ``year`` is outside 1998-2100.

    Examples
    --------
    The start of the EVA 45 repress, day-of-year 283 at 18:21:50:

    >>> isslive_to_utc([24.0, 283 * 24 + 18 + 21 / 60 + 50 / 3600], 2017)
    array(['2017-01-01T00:00:00.000000000', '2017-10-10T18:21:50.000000000'],
          dtype='datetime64[ns]')
    """
    if int(year) not in YEARS:
        raise InputError(
            f"ISSLive year {year} is outside {YEARS.start}-{YEARS.stop - 1}", field="--isslive-year"
        )
    epoch = np.datetime64(f"{int(year) - 1:04d}-12-31T00:00:00", "ns")
    millis = np.round(np.asarray(timestamp_hours, dtype=np.float64) * _MS_PER_HOUR)
    return epoch + (millis.astype(np.int64) * _NS_PER_MS).astype("timedelta64[ns]")


def year_from_path(path: str | Path) -> int | None:
    """The year of a recording from a dated folder or file name (``2019-10-12_lab_day``).

    Examples
    --------
    >>> year_from_path("real-data/iss-mimic/2017-10-10_EVA45/TestData.txt")
    2017
    >>> year_from_path("recording") is None
    True
    """
    for part in reversed(Path(path).parts):
        match = _DATED.match(part)
        if match:
            return int(match.group(1))
    return None


def looks_like_isslive(path: str | Path) -> bool:
    """Whether ``path`` is an ISS-Mimic recording: a folder of ``.txt`` files, or a
    ``.txt`` file whose first line is whitespace-separated numbers."""
    path = Path(path)
    if str(path) == "-":
        return False
    if path.is_dir():
        return any(path.glob("*.txt"))
    if path.suffix != ".txt" or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    fields = first.split()
    return len(fields) >= 2 and "," not in first and _is_number(fields[0])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class _FileRows:
    chunks: list[Chunk]
    skipped: int


def read_isslive(
    path: str | Path,
    year: int,
    habitat: Habitat,
    *,
    skip_bad_rows: bool = False,
    strict: bool = False,
) -> Telemetry:
    """Read an ISS-Mimic recording (a folder or one file) into :class:`Telemetry`.

    Parameters
    ----------
    path : str or Path
        A folder of ``<PUI>.txt`` or ``chartcache_<series>.txt`` files, or one such
        file, or an EVA test-data file (``TestData.txt``, ``EVA_Test_Data.txt``).
    year : int
        The year of the recording, for :func:`isslive_to_utc`.
    habitat : Habitat
        Gives each channel's unit; PUIs it lacks are counted in ``unknown_channels``.
    skip_bad_rows : bool
        Skip and count lines that are not numbers instead of failing.
    strict : bool
        Fail on a ``(time, channel)`` recorded twice with different values.

    Returns
    -------
    Telemetry
        Values in SI, times UTC.

    Raises
    ------
    InputError
        Missing path, a folder without ``.txt`` files, or a bad line (file and line
        named) without ``skip_bad_rows``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    if not files:
        raise InputError(
            "no .txt files in this folder: not an ISS-Mimic recording", source=str(path)
        )
    chunks: list[Chunk] = []
    skipped = 0
    for file in files:
        rows = _read_file(file, year, skip_bad_rows)
        chunks.extend(rows.chunks)
        skipped += rows.skipped
    return assemble_chunks(chunks, habitat, str(path), strict=strict, skipped_rows=skipped)


def _columns_of(file: Path, widths: IntArray) -> list[str]:
    """Channel ids of a file's value columns, from its name and its usual line width."""
    stem = file.stem
    if stem.startswith("chartcache_"):
        series = stem.removeprefix("chartcache_")
        return [CHARTCACHE_SERIES.get(series, series)]
    usual = int(np.bincount(widths).argmax()) if widths.size else 2
    if 4 <= usual <= len(EVA_TEST_COLUMNS) + 1:
        return list(EVA_TEST_COLUMNS[: usual - 1])
    return [stem]


def _read_file(file: Path, year: int, skip: bool) -> _FileRows:
    """One file as one chunk per value column."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(file)) from None
    lines, utf8_ok = text_lines(data)
    trimmed = pc.utf8_trim_whitespace(lines)
    fields = pc.split_pattern_regex(trimmed, r"\s+")
    counts = np.asarray(pc.list_value_length(fields).to_numpy(), dtype=np.int64)
    blank = np.asarray(pc.equal(trimmed, "").to_numpy(zero_copy_only=False), dtype=bool)
    names = _columns_of(file, counts[~blank & utf8_ok])
    width = len(names) + 1
    bad = BadRows(np.arange(1, len(lines) + 1, dtype=np.int64), lambda i: str(lines[i].as_py()))
    bad.add(~utf8_ok & ~blank, None, "not UTF-8 text")
    wrong = ~blank & utf8_ok & (counts != width)
    bad.add(wrong, None, f"not {width} whitespace-separated fields")
    usable = ~blank & utf8_ok & ~wrong
    rows = np.flatnonzero(usable)
    good = fields.filter(pa.array(usable))

    def cell(j: int) -> npt.NDArray[np.object_]:
        column = pc.list_element(good, j)
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)

    stamps = parse_numbers(cell(0))
    bad.add_at(rows, ~np.isfinite(stamps), "TimeStamp", "TimeStamp is not a number")
    columns: list[tuple[FloatArray, npt.NDArray[np.bool_]]] = []
    for j, name in enumerate(names, start=1):
        text = cell(j)
        update = text != "-"
        values = parse_numbers(text)
        bad.add_at(rows, update & ~np.isfinite(values), name, "value is not a finite number")
        columns.append((values, update))
    skipped = bad.raise_or_count(str(file), skip)
    keep = ~bad.any()[rows]
    times = isslive_to_utc(np.where(keep, stamps, 0.0), year).view(np.int64)
    chunks: list[Chunk] = []
    for name, (values, update) in zip(names, columns, strict=True):
        take = keep & update
        if file.stem.startswith("chartcache_"):
            take &= ~((stamps == 0.0) & (values == 0.0))
        chunk_times: IntArray = times[take]
        chunks.append((chunk_times, np.zeros(chunk_times.size, np.int64), [name], values[take]))
    return _FileRows(chunks, skipped)
