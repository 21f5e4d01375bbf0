"""Telemetry: reading files into SI samples, and checking their quality."""

from hullwatch.telemetry.assembly import assemble, assemble_chunks
from hullwatch.telemetry.frame import ChannelIssues, Telemetry, to_utc_datetime64
from hullwatch.telemetry.isslive import isslive_to_utc, read_isslive
from hullwatch.telemetry.quality import QualityReport, iso_z, quality_report
from hullwatch.telemetry.readers import load_telemetry, read_telemetry, write_telemetry

__all__ = [
    "ChannelIssues",
    "QualityReport",
    "Telemetry",
    "assemble",
    "assemble_chunks",
    "iso_z",
    "isslive_to_utc",
    "load_telemetry",
    "quality_report",
    "read_isslive",
    "read_telemetry",
    "to_utc_datetime64",
    "write_telemetry",
]
