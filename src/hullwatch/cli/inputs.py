"""Where a command's telemetry comes from: a file (or standard input), or an archive.

Every analysis command takes either a ``TELEMETRY`` argument or ``--archive DIR``
(with ``--start/--end``), and loads it through :func:`load_input`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.store import Archive, read_manifest
from hullwatch.telemetry import Telemetry, load_telemetry, to_utc_datetime64

#: Habitat partition of the built-in ISS habitat (``--config`` not given).
DEFAULT_HABITAT_KEY = "ISS"

#: Data read from an archive either side of ``--start/--end`` for commands that cut
#: the window themselves (rate, events, locate): the gas-mass series at the window's
#: edges interpolates samples outside it, so a command sees the same samples near
#: its edges as with the whole file. One day covers channels sampled as slowly as
#: daily. [s]
CONTEXT_S = 86_400.0


def archive_key(habitat: Habitat, config: Path | None) -> str:
    """The archive partition of a habitat: ``"ISS"`` for the built-in one, else its name."""
    return DEFAULT_HABITAT_KEY if config is None else habitat.name


def open_archive(folder: Path, habitat: Habitat, config: Path | None) -> Archive:
    """An existing archive, opened on the habitat's partition, for reading.

    Raises
    ------
    InputError
        If ``folder`` is not an archive folder.
    """
    if not folder.is_dir():
        raise InputError("no archive folder here", source=str(folder), field="--archive")
    return Archive(folder, archive_key(habitat, config))


def load_input(
    telemetry: str | None,
    archive: Path | None,
    habitat: Habitat,
    config: Path | None,
    *,
    start: str | None = None,
    end: str | None = None,
    skip_bad_rows: bool = False,
    isslive_year: int | None = None,
    argument: str = "TELEMETRY",
    context_s: float = 0.0,
) -> Telemetry:
    """Load a command's telemetry from a file or from an archive.

    Parameters
    ----------
    telemetry : str or None
        A file, an ISS-Mimic recording, or ``"-"``.
    archive : Path or None
        An archive folder (``hullwatch ingest`` writes it).
    habitat : Habitat
        The habitat; for an archive, its partition is :func:`archive_key`.
    config : Path or None
        The ``--config`` given (picks the archive partition).
    start, end : str, optional
        For an archive, only the samples in ``[start, end]`` are read, plus each hatch
        channel's last sample before ``start`` (its state then). A file is read whole;
        the command applies the window as it always has.
    skip_bad_rows, isslive_year
        As for :func:`hullwatch.telemetry.load_telemetry` (files only).
    argument : str
        How the command names the telemetry, for messages.
    context_s : float
        For an archive, also read this long before ``start`` and after ``end``
        (:data:`CONTEXT_S` for commands that cut the window themselves). [s]

    Raises
    ------
    InputError
        If neither or both of ``telemetry`` and ``archive`` are given, the archive
        folder does not exist, or the archive holds nothing of this habitat.
    """
    if telemetry is None and archive is None:
        raise InputError(f"give {argument} or --archive DIR")
    if telemetry is not None and archive is not None:
        raise InputError(f"give {argument} or --archive DIR, not both", field="--archive")
    if archive is None:
        assert telemetry is not None
        return load_telemetry(
            telemetry, habitat, skip_bad_rows=skip_bad_rows, isslive_year=isslive_year
        )
    pad = np.timedelta64(int(context_s * 1e9), "ns")
    t0 = None if start is None else to_utc_datetime64(start) - pad
    t1 = None if end is None else to_utc_datetime64(end) + pad
    store = open_archive(archive, habitat, config)
    if store.row_count() == 0:
        held = sorted({p.habitat for p in read_manifest(archive).parts})
        raise InputError(
            f"the archive holds no samples of habitat {store.habitat_name!r}"
            + (f" (it holds: {', '.join(held)})" if held else " (it is empty)"),
            source=str(archive),
        )
    return store.read(habitat, t0, t1)


def window_with_state(
    telemetry: Telemetry, habitat: Habitat, start: str | None, end: str | None
) -> Telemetry:
    """The samples in ``[start, end]`` plus each hatch channel's last sample before ``start``.

    The same cut :meth:`hullwatch.store.Archive.read` makes, for data read from a file
    (a hatch state holds until its next sample, so the state at ``start`` is kept).
    """
    if start is None and end is None:
        return telemetry
    samples = telemetry.samples
    times = samples["time"].to_numpy(dtype="datetime64[ns]")
    keep = np.ones(len(samples), dtype=bool)
    if end is not None:
        keep &= times <= to_utc_datetime64(end)
    if start is not None:
        t0 = to_utc_datetime64(start)
        keep &= times >= t0
        channel = samples["channel"].to_numpy()
        for hatch in habitat.hatch_channels().values():
            rows = np.flatnonzero((channel == hatch.id) & (times < t0))
            if rows.size:
                keep[rows[np.argmax(times[rows])]] = True
    return Telemetry(
        samples[keep].reset_index(drop=True),
        telemetry.source,
        telemetry.skipped_rows,
        dict(telemetry.unknown_channels),
        telemetry.duplicates_dropped,
        telemetry.conflicting_duplicates,
        telemetry.out_of_order_rows,
        list(telemetry.warnings),
        dict(telemetry.channel_issues),
    )
