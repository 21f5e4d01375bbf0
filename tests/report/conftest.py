"""A small simulated recording with a leak, and its report, built once per session."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

from hullwatch.cli.app import main
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.simulate.output import write_simulation

#: Four days of the ISS at one record a minute, the PrK closed off from the start and a
#: 1 lb/day hole opening in it at 2.5 days: past the detector's two-day warm-up, so the
#: report has an alarm, an onset, a location and a rate since the onset to show.
SCENARIO: dict[str, Any] = {
    "simulation": {
        "duration": "4d",
        "seed": 7,
        "start": "2026-05-01T00:00:00Z",
        "output_interval_s": 60.0,
    },
    "hatch_events": [
        {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
        {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
    ],
    "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0, "onset": "2d12h"}],
}


@pytest.fixture(scope="session")
def leak_run() -> SimulationResult:
    """The simulated recording of :data:`SCENARIO`."""
    return simulate(scenario_from_dict(SCENARIO))


@pytest.fixture(scope="session")
def leak_files(leak_run: SimulationResult, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``telemetry.csv``, ``habitat.toml`` and the truth files of :func:`leak_run`."""
    return write_simulation(leak_run, tmp_path_factory.mktemp("leak-run"))


@pytest.fixture(scope="session")
def leak_report(leak_files: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``hullwatch report --json`` on :func:`leak_files`: its JSON, path and HTML."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    argv = [
        "report",
        str(leak_files["telemetry"]),
        "--config",
        str(leak_files["habitat"]),
        "--out",
        str(out),
        "--json",
    ]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(argv)
    assert status == 0, buffer.getvalue()
    payload = json.loads(buffer.getvalue())
    return {"json": payload, "path": out, "html": out.read_text(encoding="utf-8")}
