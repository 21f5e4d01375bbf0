"""Simulated telemetry and a service factory shared by the service and adapter tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hullwatch.detect import LeakDetector
from hullwatch.habitat import Habitat
from hullwatch.service import create_app
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.telemetry import write_telemetry

TOKEN = "test-token-7f3a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START = "2026-05-01T00:00:00Z"
PRK_CLOSED = [
    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
]
#: The PrK is vented from 3 h at about 1.5 mmHg/min (tests/detect/test_rapid.py's run).
DEPRESS: dict[str, Any] = {
    "simulation": {"duration": "4h", "seed": 3, "start": START},
    "hatch_events": PRK_CLOSED,
    "depress": [
        {
            "module": "PrK",
            "to": "vacuum",
            "start": "3h",
            "volumetric_flow_m3_per_min": 0.01,
            "until_mmHg": 600.0,
        }
    ],
}
#: A leak-free day of the isolated PrK (for a detector that learns over 6 h).
QUIET: dict[str, Any] = {
    "simulation": {"duration": "1d", "seed": 5, "start": START},
    "hatch_events": PRK_CLOSED,
}


def _csv(run: SimulationResult, path: Path) -> str:
    write_telemetry(run.telemetry, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def depress_run() -> SimulationResult:
    """The :data:`DEPRESS` run."""
    return simulate(scenario_from_dict(DEPRESS))


@pytest.fixture(scope="session")
def depress_csv(depress_run: SimulationResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The :data:`DEPRESS` run as long-form CSV text."""
    return _csv(depress_run, tmp_path_factory.mktemp("svc") / "depress.csv")


@pytest.fixture(scope="session")
def quiet_run() -> SimulationResult:
    """The :data:`QUIET` run."""
    return simulate(scenario_from_dict(QUIET))


@pytest.fixture(scope="session")
def quiet_csv(quiet_run: SimulationResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The :data:`QUIET` run as long-form CSV text."""
    return _csv(quiet_run, tmp_path_factory.mktemp("svc") / "quiet.csv")


def chunks(csv_text: str, parts: int) -> list[str]:
    """Split CSV text into ``parts`` bodies, each with the header."""
    header, *rows = csv_text.splitlines()
    size = -(-len(rows) // parts)
    return ["\n".join([header, *rows[i : i + size]]) + "\n" for i in range(0, len(rows), size)]


def until(csv_text: str, iso_prefix: str) -> tuple[str, str]:
    """Split CSV text at the first row whose time is at or after ``iso_prefix``."""
    header, *rows = csv_text.splitlines()
    k = next(i for i, r in enumerate(rows) if r[: len(iso_prefix)] >= iso_prefix)
    return (
        "\n".join([header, *rows[:k]]) + "\n",
        "\n".join([header, *rows[k:]]) + "\n",
    )


@pytest.fixture(scope="session")
def habitat(depress_run: SimulationResult) -> Habitat:
    """The simulated ISS habitat."""
    return depress_run.habitat


@pytest.fixture
def make_app(habitat: Habitat) -> Callable[..., FastAPI]:
    """A factory of fresh services (token :data:`TOKEN`)."""

    def make(**kwargs: Any) -> FastAPI:
        detector = LeakDetector(habitat, warmup_s=kwargs.pop("warmup_s", 2 * 86400.0))
        return create_app(detector, token=TOKEN, **kwargs)

    return make


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    """A TestClient on a fresh service."""
    with TestClient(make_app()) as test_client:
        yield test_client


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A service run by uvicorn in a thread on 127.0.0.1 (for browser tests)."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
