"""Pure gas and leak-flow physics in SI units: no I/O, no pandas."""

from hullwatch.physics.gas import AIR, Gas, gas_mass_kg, humid_air_mass_kg
from hullwatch.physics.leakflow import LEAK_MODELS, LeakModel, leak_model

__all__ = [
    "AIR",
    "LEAK_MODELS",
    "Gas",
    "LeakModel",
    "gas_mass_kg",
    "humid_air_mass_kg",
    "leak_model",
]
