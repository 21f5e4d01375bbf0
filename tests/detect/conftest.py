"""Simulated runs with known truth, shared by the detection tests (built once per session)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from hullwatch.detect import LeakDetector
from hullwatch.habitat import Habitat
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.telemetry import Telemetry

START = "2026-05-01T00:00:00Z"
PRK_CLOSED = [
    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
]
#: True onset of the leak in :func:`leak_run`.
LEAK_ONSET = np.datetime64("2026-05-02T00:00:00", "ns")
#: Its size at 760 mmHg. [lb/day]
LEAK_LB_PER_DAY = 1.0


def at(text: str) -> np.datetime64:
    """A UTC instant as ``datetime64[ns]``."""
    return np.datetime64(text.rstrip("Z"), "ns")


def run(doc: dict[str, Any]) -> SimulationResult:
    """Simulate a scenario document."""
    return simulate(scenario_from_dict(doc))


def fitted(detector: LeakDetector) -> LeakDetector:
    """An independent copy of a fitted detector (each test streams its own data)."""
    return copy.deepcopy(detector)


@pytest.fixture(scope="session")
def history() -> SimulationResult:
    """Three leak-free days of the station with the PrK isolated: the fit history."""
    return run(
        {"simulation": {"duration": "3d", "seed": 101, "start": START}, "hatch_events": PRK_CLOSED}
    )


@pytest.fixture(scope="session")
def habitat(history: SimulationResult) -> Habitat:
    """The simulated ISS habitat."""
    return history.habitat


@pytest.fixture(scope="session")
def detector(history: SimulationResult, habitat: Habitat) -> LeakDetector:
    """A detector fitted on :func:`history` (copy it with :func:`fitted` before use)."""
    return LeakDetector(habitat).fit(history.to_telemetry())


@pytest.fixture(scope="session")
def leak_run() -> SimulationResult:
    """Two days of the isolated PrK; a 1 lb/day hole opens at :data:`LEAK_ONSET`."""
    return run(
        {
            "simulation": {"duration": "2d", "seed": 7, "start": START},
            "hatch_events": PRK_CLOSED,
            "leaks": [
                {
                    "module": "PrK",
                    "model": "orifice",
                    "rate_lb_per_day": LEAK_LB_PER_DAY,
                    "onset": "1d",
                }
            ],
        }
    )


@pytest.fixture(scope="session")
def leak_telemetry(leak_run: SimulationResult) -> Telemetry:
    """Telemetry of :func:`leak_run`."""
    return leak_run.to_telemetry()


#: Two leak-free days full of things that are not leaks: a tank repress of the PrK, the
#: PrK opened to Zvezda and closed again, pressure-band represses of the Progress, an
#: airlock depressed into the cabin and repressed, strong thermal swings.
BUSY: dict[str, Any] = {
    "simulation": {"duration": "2d", "seed": 11, "start": START},
    "hatch_events": [
        *PRK_CLOSED,
        {"time": "26h", "hatch": "Zvezda-PrK", "state": "open"},
        {"time": "32h", "hatch": "Zvezda-PrK", "state": "closed"},
        {"time": "8h", "hatch": "Quest_EquipmentLock-Quest_CrewLock", "state": "closed"},
        {"time": "12h", "hatch": "Quest_EquipmentLock-Quest_CrewLock", "state": "open"},
    ],
    "repress": [{"module": "PrK", "start": "6h", "duration": "15min", "rate_kg_per_h": 1.2}],
    "depress": [
        {
            "module": "Quest_CrewLock",
            "to": "Quest_EquipmentLock",
            "start": "9h",
            "volumetric_flow_m3_per_min": 0.5,
            "until_mmHg": 527.0,
            "max_duration": "1h",
        }
    ],
    "thermal": {"orbital_amplitude_K": 0.6, "drift_sigma_K": 0.6, "drift_timescale_h": 6.0},
}


@pytest.fixture(scope="session")
def busy_run() -> SimulationResult:
    """The :data:`BUSY` run."""
    return run(BUSY)
