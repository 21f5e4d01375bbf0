"""The tidy in-memory form of telemetry: SI samples sorted by ``(channel, time)``.

Readers build it with :func:`hullwatch.telemetry.assembly.assemble`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat, HatchTimeline

TimeArray = npt.NDArray[np.datetime64]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TimeLike = np.datetime64 | datetime | pd.Timestamp | str


@dataclass(frozen=True)
class ChannelIssues:
    """What reading found wrong with one channel's rows.

    Parameters
    ----------
    duplicates_dropped : int
        Exact ``(time, channel, value)`` repeats dropped.
    conflicting_duplicates : int
        Rows repeating a ``(time, channel)`` with another value (the first row is kept).
    out_of_order_rows : int
        Rows earlier in time than the previous row of the same channel in the file.
    """

    duplicates_dropped: int = 0
    conflicting_duplicates: int = 0
    out_of_order_rows: int = 0


@dataclass(eq=False)
class Telemetry:
    """Telemetry samples in SI, sorted by ``(channel, time)``, with what reading found.

    Parameters
    ----------
    samples : pandas.DataFrame
        Columns ``time`` (datetime64[ns, UTC]), ``channel`` (str) and ``value``
        (float64 in SI: [Pa], [K], or 0/1 for hatch and status channels), sorted by
        ``(channel, time)``, with unknown channels removed and exact duplicates dropped.
        Treat it as read-only: :meth:`channel` keeps an index into it.
    source : str
        The file it came from, or ``"<stdin>"``.
    skipped_rows : int
        Bad rows skipped under ``--skip-bad-rows``.
    unknown_channels : dict
        Channel id -> rows skipped because the habitat has no such channel.
    duplicates_dropped : int
        Exact ``(time, channel, value)`` duplicates dropped.
    conflicting_duplicates : int
        Rows with the ``(time, channel)`` of an earlier row but another value; the
        first is kept.
    out_of_order_rows : int
        Rows earlier than the previous row of their channel in the file (counted
        before sorting).
    warnings : list of str
        Everything above that is not zero, in words.
    channel_issues : dict
        Channel id -> :class:`ChannelIssues`, for channels with any.
    """

    samples: pd.DataFrame
    source: str
    skipped_rows: int = 0
    unknown_channels: dict[str, int] = field(default_factory=dict)
    duplicates_dropped: int = 0
    conflicting_duplicates: int = 0
    out_of_order_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    channel_issues: dict[str, ChannelIssues] = field(default_factory=dict)
    _index: dict[str, tuple[int, int]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        missing = {"time", "channel", "value"} - set(self.samples.columns)
        if missing:
            raise InputError(
                f"telemetry samples lack columns {sorted(missing)}", source=self.source
            )

    def __len__(self) -> int:
        return len(self.samples)

    def _channel_index(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            index = _run_index(self.samples)
            if index is None:
                self.samples = self.samples.sort_values(
                    ["channel", "time"], kind="stable", ignore_index=True
                )
                index = _run_index(self.samples)
            self._index = index or {}
        return self._index

    def channels(self) -> list[str]:
        """Ids of the channels with samples, sorted."""
        return list(self._channel_index())

    def channel(self, channel_id: str) -> tuple[TimeArray, FloatArray]:
        """Samples of one channel, in time order.

        Parameters
        ----------
        channel_id : str
            A channel id with samples (see :meth:`channels`).

        Returns
        -------
        times : ndarray of datetime64[ns]
            Sample times, UTC, in order (strictly increasing as read).
        values : ndarray of float64
            Values in SI. [Pa], [K] or [-]

        Raises
        ------
        AnalysisError
            If the channel has no samples.

        Notes
        -----
        Both arrays are read-only views into :attr:`samples`; copy them to change them.
        """
        index = self._channel_index()
        if channel_id not in index:
            raise AnalysisError(
                f"no samples of channel {channel_id!r} in {self.source}; "
                f"channels with samples: {', '.join(index) or 'none'}"
            )
        start, stop = index[channel_id]
        return _times_ns(self.samples)[start:stop], _values(self.samples)[start:stop]

    def span(self) -> tuple[np.datetime64, np.datetime64]:
        """First and last sample time over all channels (UTC, datetime64[ns]).

        Raises
        ------
        AnalysisError
            If there are no samples.
        """
        if len(self.samples) == 0:
            raise AnalysisError(f"no samples in {self.source}")
        times = _times_ns(self.samples)
        return times.min(), times.max()

    def window(self, start: TimeLike | None = None, end: TimeLike | None = None) -> Telemetry:
        """The samples with ``start <= time <= end`` (either bound may be ``None``).

        The reading counters and warnings are those of the whole source.

        Parameters
        ----------
        start, end : datetime64, datetime, Timestamp or ISO 8601 str, optional
            Bounds, inclusive; a time without a zone is UTC.

        Returns
        -------
        Telemetry
        """
        times = _times_ns(self.samples)
        keep = np.ones(times.size, dtype=bool)
        if start is not None:
            keep &= times >= to_utc_datetime64(start)
        if end is not None:
            keep &= times <= to_utc_datetime64(end)
        return Telemetry(
            self.samples[keep].reset_index(drop=True),
            self.source,
            self.skipped_rows,
            dict(self.unknown_channels),
            self.duplicates_dropped,
            self.conflicting_duplicates,
            self.out_of_order_rows,
            list(self.warnings),
            dict(self.channel_issues),
        )

    def hatch_timeline(self, habitat: Habitat) -> HatchTimeline:
        """Hatch states from the habitat's hatch channels.

        Repeated samples of an unchanged state are dropped first (hatch channels are
        sent on change and may repeat), so the timeline holds state changes only.

        Parameters
        ----------
        habitat : Habitat
            Names which channel reports which hatch.

        Returns
        -------
        HatchTimeline
        """
        present = set(self.channels())
        samples: dict[str, tuple[TimeArray, FloatArray]] = {}
        for hatch, channel in habitat.hatch_channels().items():
            if channel.id not in present:
                continue
            times, values = self.channel(channel.id)
            state = values >= 0.5
            change = np.concatenate(([True], state[1:] != state[:-1]))
            samples[hatch] = (times[change], values[change])
        return HatchTimeline(habitat, samples)


def to_utc_datetime64(value: TimeLike) -> np.datetime64:
    """A time as UTC ``datetime64[ns]``; a time without a zone is taken as UTC.

    Raises
    ------
    InputError
        If ``value`` is not a time.

    Examples
    --------
    >>> to_utc_datetime64("2026-05-01T02:00:00+02:00")
    np.datetime64('2026-05-01T00:00:00.000000000')
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a time: {value!r} ({exc})") from None
    if stamp is pd.NaT:
        raise InputError(f"not a time: {value!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    result: np.datetime64 = stamp.as_unit("ns").to_datetime64()
    return result


def _times_ns(samples: pd.DataFrame) -> TimeArray:
    """The ``time`` column as UTC ``datetime64[ns]`` (a view where it is stored so)."""
    return samples["time"].to_numpy(dtype="datetime64[ns]")


def _values(samples: pd.DataFrame) -> FloatArray:
    return np.asarray(samples["value"], dtype=np.float64)


def _run_index(samples: pd.DataFrame) -> dict[str, tuple[int, int]] | None:
    """Channel id -> ``(start, stop)`` row range, or ``None`` if not sorted by (channel, time)."""
    if len(samples) == 0:
        return {}
    encoded = pc.run_end_encode(pa.array(samples["channel"]).cast(pa.string()))
    ends = np.asarray(encoded.run_ends, dtype=np.int64)
    ids = [str(c) for c in encoded.values.to_pylist()]
    starts = np.concatenate(([0], ends[:-1]))
    times = _times_ns(samples).view(np.int64)
    descent = np.flatnonzero(times[1:] < times[:-1]) + 1
    if ids != sorted(set(ids)) or np.isin(descent, starts, invert=True).any():
        return None
    return {c: (int(s), int(e)) for c, s, e in zip(ids, starts, ends, strict=True)}


def reading_warnings(telemetry: Telemetry) -> list[str]:
    """The reading counters of ``telemetry`` that are not zero, in words."""
    out = []
    if telemetry.skipped_rows:
        out.append(f"skipped {telemetry.skipped_rows} bad row(s)")
    if telemetry.unknown_channels:
        listed = ", ".join(f"{k} ({v})" for k, v in sorted(telemetry.unknown_channels.items()))
        total = sum(telemetry.unknown_channels.values())
        out.append(f"skipped {total} row(s) of channels not in the habitat: {listed}")
    if telemetry.duplicates_dropped:
        out.append(f"dropped {telemetry.duplicates_dropped} exact duplicate row(s)")
    if telemetry.conflicting_duplicates:
        out.append(
            f"{telemetry.conflicting_duplicates} row(s) repeat a (time, channel) with another "
            "value; kept the first value of each"
        )
    if telemetry.out_of_order_rows:
        out.append(f"{telemetry.out_of_order_rows} row(s) out of time order within their channel")
    return out
