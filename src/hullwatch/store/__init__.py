"""Embedded storage: the partitioned Parquet archive and the small state database."""

from hullwatch.store.archive import Archive, IngestReport
from hullwatch.store.manifest import Manifest, Part, read_manifest
from hullwatch.store.statedb import STATE_NAME, StateDB

__all__ = [
    "STATE_NAME",
    "Archive",
    "IngestReport",
    "Manifest",
    "Part",
    "StateDB",
    "read_manifest",
]
