"""``hullwatch ingest TELEMETRY --archive DIR``: add a file's samples to an archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import archive_key
from hullwatch.cli.options import (
    ConfigOption,
    IssliveYearOption,
    JsonOption,
    SkipBadRowsOption,
    TelemetryArgument,
)
from hullwatch.habitat import load_habitat
from hullwatch.store import Archive
from hullwatch.telemetry import iso_z, load_telemetry


@app.command("ingest")
def ingest_command(
    telemetry: TelemetryArgument,
    archive: Annotated[Path, typer.Option("--archive", help="Archive folder (created if absent).")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """Add the samples of TELEMETRY that the archive lacks, durably. Idempotent: a
    (time, channel) already archived is not added again."""
    habitat = load_habitat(config)
    data = load_telemetry(
        telemetry, habitat, skip_bad_rows=skip_bad_rows, isslive_year=isslive_year
    )
    store = Archive(archive, archive_key(habitat, config))
    report = store.ingest(data, data.source)
    span = store.time_range()
    payload: dict[str, Any] = {
        "archive": str(archive),
        "habitat": store.habitat_name,
        **report.to_dict(),
        "rows_read": len(data),
        "skipped_rows": data.skipped_rows,
        "unknown_channels": dict(data.unknown_channels),
        "archive_rows": store.row_count(),
        "archive_start": None if span is None else iso_z(span[0]),
        "archive_end": None if span is None else iso_z(span[1]),
        "warnings": list(data.warnings),
    }
    if as_json:
        print_json(payload)
        return
    console.print(
        f"{payload['source']}: added {report.rows_added} row(s) in {report.parts_written} "
        f"part(s); {report.rows_already_present} already present"
        + (
            f", {report.rows_conflicting} conflicting (archived value kept)"
            if report.rows_conflicting
            else ""
        ),
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"archive {archive} (habitat {store.habitat_name}): {payload['archive_rows']} rows, "
        f"{payload['archive_start']} to {payload['archive_end']}",
        highlight=False,
        soft_wrap=True,
    )
    print_notes(payload["warnings"], soft_wrap=True)
