"""Simulated telemetry shared by the analysis tests (built once per session)."""

from __future__ import annotations

from typing import Any

import pytest

from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate

PRK_CLOSED = [
    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
]


def prk_run(seed: int = 0, **extra: Any) -> SimulationResult:
    """The PrK isolated with a 1 lb/day leak for four days, plus ``extra`` sections."""
    doc: dict[str, Any] = {
        "simulation": {"duration": "4d", "seed": seed, "start": "2026-05-01T00:00:00Z"},
        "hatch_events": PRK_CLOSED,
        "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0}],
    }
    doc.update(extra)
    return simulate(scenario_from_dict(doc))


@pytest.fixture(scope="session")
def prk_band() -> SimulationResult:
    """PrK held in a 700-715 mmHg band by small represses, with a crack."""
    return prk_run(
        3,
        initial={"modules": {"PrK": {"pressure_mmHg": 712.0}}},
        leaks=[{"module": "PrK", "model": "viscous_crack", "rate_lb_per_day": 1.0}],
        pressure_holds=[{"module": "PrK", "low_mmHg": 700.0, "high_mmHg": 715.0}],
    )
