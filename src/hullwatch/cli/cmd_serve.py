"""``hullwatch serve``: the live service (FastAPI on uvicorn), bound to localhost by default."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from hullwatch.cli.app import app, err_console
from hullwatch.cli.cmd_detect import StatisticOption, detector_options
from hullwatch.cli.cmd_risk import DEFAULT_THRESHOLD_LB_PER_DAY, HorizonOption, ThresholdOption
from hullwatch.cli.inputs import archive_key
from hullwatch.cli.options import (
    BlockOption,
    ConfigOption,
    FalseAlarmsOption,
    HistoryOption,
    RapidRateOption,
    WarmupOption,
)
from hullwatch.detect.detector import DEFAULT_STATISTIC
from hullwatch.errors import InputError
from hullwatch.service.risk import LiveRiskAssessor
from hullwatch.service.security import TOKEN_ENV, resolve_token
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import load_telemetry
from hullwatch.units import SECONDS_PER_DAY, lb_per_day_to_kg_per_day

#: Bytes per MiB.
MIB = 1024 * 1024


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    archive: Annotated[
        Path | None, typer.Option("--archive", help="Archive folder: also keep rows and alarms.")
    ] = None,
    config: ConfigOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option("--token", help=f"Write token (default: ${TOKEN_ENV}, else a random one)."),
    ] = None,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", help="Largest ingest body [MiB].")
    ] = 16.0,
    openmct: Annotated[
        Path | None,
        typer.Option(
            "--openmct", help="Serve this Open MCT page folder (web/openmct) at /openmct/."
        ),
    ] = None,
    false_alarms_per_year: FalseAlarmsOption = 1.0,
    history: HistoryOption = None,
    warmup: WarmupOption = "2d",
    block: BlockOption = None,
    rapid_rate: RapidRateOption = 0.5,
    statistic: StatisticOption = DEFAULT_STATISTIC,
    risk_threshold_lb_per_day: ThresholdOption = DEFAULT_THRESHOLD_LB_PER_DAY,
    risk_horizon: HorizonOption = "90d",
) -> None:
    """Run the live service: POST /api/ingest, REST state, alarms and history, a WebSocket
    push stream, the dashboard at /, and an Open MCT provider. Docs at /docs."""
    if not 0 < port < 65536:
        raise InputError("must be between 1 and 65535", source="--port")
    if not 0 < max_body_mb <= 1024:
        raise InputError("must be in (0, 1024]", source="--max-body-mb")
    if openmct is not None and not (openmct / "index.html").is_file():
        raise InputError("no index.html in this folder", source=str(openmct))
    if archive is not None and archive.exists() and not archive.is_dir():
        raise InputError("is a file, not an archive folder", source=str(archive))
    if not risk_threshold_lb_per_day > 0:
        raise InputError("must be positive", source="--threshold-lb-per-day")
    horizon_days = parse_duration_s(risk_horizon, "--horizon") / SECONDS_PER_DAY
    detector = detector_options(config, false_alarms_per_year, warmup, block, rapid_rate, statistic)
    if history is not None:
        detector.fit(load_telemetry(history, detector.habitat))
    write_token, origin = resolve_token(token)
    import uvicorn

    from hullwatch.service import create_app

    service = create_app(
        detector,
        token=write_token,
        max_body_bytes=int(max_body_mb * MIB),
        archive=archive,
        archive_key=archive_key(detector.habitat, config),
        openmct_dir=openmct,
        risk=LiveRiskAssessor(
            float(lb_per_day_to_kg_per_day(risk_threshold_lb_per_day)), horizon_days
        ),
    )
    if not _is_loopback(host):
        err_console.print(
            f"hullwatch: warning: binding {host}, not a loopback address: anyone who can "
            "reach it can read the state (writes still need the token)",
            highlight=False,
        )
    if origin == "generated":
        err_console.print(
            f"hullwatch: write token (set {TOKEN_ENV} to choose one): {write_token}",
            highlight=False,
            markup=False,
        )
    err_console.print(
        f"hullwatch: serving on http://{host}:{port}/ (docs at /docs)", highlight=False
    )
    uvicorn.run(service, host=host, port=port, log_level="warning")
