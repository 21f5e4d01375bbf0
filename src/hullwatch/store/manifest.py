"""The archive's manifest: the one file that says which Parquet parts are committed.

A part exists for readers only once the manifest names it. The manifest is replaced
atomically (written to a temporary file in the same folder, flushed to disk with
``fsync``, then moved over the old one with :func:`os.replace`, and the folder entry
flushed too), so after a crash at any instant it is either the old manifest or the
new one, never a mixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hullwatch.errors import InputError

MANIFEST_NAME = "manifest.json"
FORMAT = "hullwatch-archive"
VERSION = 1
#: Prefix of files being written and not yet renamed into place.
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Part:
    """One committed Parquet file of the archive.

    Parameters
    ----------
    path : str
        Path relative to the archive folder, with ``/`` separators.
    habitat, channel, day : str
        Its partition: habitat key, channel id, UTC day ``YYYY-MM-DD``.
    rows : int
        Rows in the file.
    sha256 : str
        Hex SHA-256 of the file's bytes.
    time_min_ns, time_max_ns : int
        First and last sample time, UTC nanoseconds since 1970. [ns]
    ingest : int
        Number of the ingest (or compaction) that committed it.
    """

    path: str
    habitat: str
    channel: str
    day: str
    rows: int
    sha256: str
    time_min_ns: int
    time_max_ns: int
    ingest: int


@dataclass
class Manifest:
    """The committed state of an archive: its parts and the log of ingests.

    Parameters
    ----------
    parts : list of Part
        Every committed part.
    ingests : list of dict
        One entry per completed ingest or compaction, oldest first (number, source,
        rows added, parts written, commit time).
    """

    parts: list[Part] = field(default_factory=list)
    ingests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def next_ingest(self) -> int:
        """The number the next ingest gets (1 for the first)."""
        return len(self.ingests) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "parts": [asdict(p) for p in self.parts],
            "ingests": self.ingests,
        }


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the archive in ``folder`` (empty if it has none yet).

    Raises
    ------
    InputError
        If the manifest exists but is not a hullwatch archive manifest.
    """
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest()
    try:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise ValueError(f"format is {doc.get('format')!r}, not {FORMAT!r}")
        if doc.get("version") != VERSION:
            raise ValueError(f"version {doc.get('version')!r} is not {VERSION}")
        parts = [Part(**p) for p in doc["parts"]]
        ingests = list(doc["ingests"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not a hullwatch archive manifest ({exc})", source=str(path)) from None
    return Manifest(parts, ingests)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace the manifest of ``folder`` atomically and durably (the commit point)."""
    data = json.dumps(manifest.to_dict(), separators=(",", ":")).encode("utf-8")
    write_atomic(folder / MANIFEST_NAME, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one.

    The bytes go to a temporary file in the same folder, which is flushed with
    ``fsync``, renamed over ``path`` with :func:`os.replace`, and the folder is
    flushed so the rename itself is on disk.
    """
    temp = path.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex}-{path.name}")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
