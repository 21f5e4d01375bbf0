"""The multi-compartment habitat simulator (used by tests, benchmarks and the demo)."""

from hullwatch.simulate.engine import SimulationResult, simulate
from hullwatch.simulate.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = ["Scenario", "SimulationResult", "load_scenario", "scenario_from_dict", "simulate"]
