"""Simulated isolation campaigns with a known leak, shared by the locate tests."""

from __future__ import annotations

from typing import Any

import pytest

from hullwatch.locate import LocateResult, locate_leak
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate

START = "2026-05-01T00:00:00Z"

#: Day 1: the PrK isolated (both its hatches closed); day 2: the PrK reopened and the
#: Russian segment (Zvezda, PrK, Progress, Poisk, Nauka, Prichal) cut off at Zarya-Zvezda.
CAMPAIGN = [
    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
    {"time": "1d", "hatch": "Zvezda-PrK", "state": "open"},
    {"time": "1d", "hatch": "PrK-Progress", "state": "open"},
    {"time": "1d", "hatch": "Zarya-Zvezda", "state": "closed"},
]

#: Modules the campaign never separates: always in the same compartment.
RUSSIAN_REST = ("Zvezda", "Poisk", "Nauka", "Prichal")


def campaign(module: str | None, seed: int = 3, rate_lb_per_day: float = 1.0) -> dict[str, Any]:
    """Two days of :data:`CAMPAIGN` with an orifice leak in ``module`` (None: no leak)."""
    doc: dict[str, Any] = {
        "simulation": {"duration": "2d", "seed": seed, "start": START},
        "hatch_events": CAMPAIGN,
    }
    if module is not None:
        doc["leaks"] = [{"module": module, "model": "orifice", "rate_lb_per_day": rate_lb_per_day}]
    return doc


def run(doc: dict[str, Any]) -> SimulationResult:
    """Simulate a scenario document."""
    return simulate(scenario_from_dict(doc))


def located(result: SimulationResult) -> LocateResult:
    """``locate`` on a simulation, hatches from their channels."""
    return locate_leak(result.to_telemetry(), result.habitat)


@pytest.fixture(scope="session")
def prk_campaign() -> SimulationResult:
    """The campaign with a 1 lb/day leak in the PrK."""
    return run(campaign("PrK"))


@pytest.fixture(scope="session")
def prk_located(prk_campaign: SimulationResult) -> LocateResult:
    """``locate`` on :func:`prk_campaign`."""
    return located(prk_campaign)


@pytest.fixture(scope="session")
def quiet_located() -> LocateResult:
    """``locate`` on the campaign with no leak."""
    return located(run(campaign(None)))


@pytest.fixture(scope="session")
def zvezda_located() -> LocateResult:
    """``locate`` on the campaign with a 1 lb/day leak in Zvezda (never isolated alone)."""
    return located(run(campaign("Zvezda")))
