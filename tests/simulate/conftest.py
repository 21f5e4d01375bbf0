"""Scenario builders shared by the simulator tests: quiet physics, no crew, no sensors noise."""

from __future__ import annotations

from typing import Any

import pytest

from hullwatch.habitat import Habitat, Hatch, Module

QUIET: dict[str, Any] = {
    "crew": {"count": 0, "co2_removal_modules": []},
    "thermal": {
        "module_spread_K": 0.0,
        "orbital_amplitude_K": 0.0,
        "drift_sigma_K": 0.0,
        "unseen_sigma_K": 0.0,
        "unseen_orbital_amplitude_K": 0.0,
    },
}


@pytest.fixture
def two_modules() -> Habitat:
    """A 75 m^3 module and a 5 m^3 tunnel joined by one hatch."""
    return Habitat(
        "pair",
        (Module("Big", 75.0), Module("Tunnel", 5.0)),
        (Hatch("Big-Tunnel", ("Big", "Tunnel")),),
    )


def _quiet(**sections: Any) -> dict[str, Any]:
    """A scenario document with isothermal, crew-free physics plus ``sections``."""
    doc: dict[str, Any] = {k: dict(v) for k, v in QUIET.items()}
    for key, value in sections.items():
        if isinstance(value, dict) and key in doc:
            doc[key].update(value)
        else:
            doc[key] = value
    return doc


@pytest.fixture
def quiet() -> Any:
    """Builder of isothermal, crew-free scenario documents."""
    return _quiet
