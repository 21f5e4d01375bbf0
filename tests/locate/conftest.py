"""Simulated isolation campaigns with a known leak, shared by the locate tests."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from hullwatch.habitat import Habitat, Hatch, Module
from hullwatch.locate import LocateResult, build_hypotheses, locate_leak
from hullwatch.locate.plan import Belief
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.units import POUND_KG

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


#: A chain of eight 20 m^3 modules, M0-M1-...-M7: small enough to plan in a second.
CHAIN_MODULES = tuple(f"M{i}" for i in range(8))


def chain_habitat() -> Habitat:
    """:data:`CHAIN_MODULES` joined by one hatch between neighbours (``"Mi-Mj"``)."""
    modules = tuple(Module(name, 20.0) for name in CHAIN_MODULES)
    hatches = tuple(Hatch(f"{a}-{b}", (a, b)) for a, b in pairwise(CHAIN_MODULES))
    return Habitat("chain", modules, hatches)


def belief_on(habitat: Habitat, weights: dict[str, float], rate_lb_per_day: float) -> Belief:
    """A belief with the given module probabilities (others 0) and leak rate."""
    hypotheses = build_hypotheses(habitat)
    p = np.array([weights.get(h.name, 0.0) for h in hypotheses])
    rate = rate_lb_per_day * POUND_KG
    return Belief(hypotheses, p / p.sum(), rate, rate, "test")
