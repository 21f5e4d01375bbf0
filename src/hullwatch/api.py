"""The public Python API of hullwatch: what the CLI, reports and service call.

Examples
--------
>>> import hullwatch.api as hw
>>> iss = hw.load_habitat()
>>> iss.compartment_of("PrK", set(iss.hatch_names) - {"Zvezda-PrK"})
('PrK', 'Progress')
"""

from hullwatch.analysis.forecast import ForecastResult, forecast_pressure
from hullwatch.analysis.gas_budget import BudgetLeak, GasBudget, gas_budget, load_gas_stores
from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.analysis.repress_plan import PlanLeak, RepressPlan, leak_from_rate, plan_repress
from hullwatch.analysis.reserve import (
    ReserveTimeResult,
    reserve_time,
    reserve_time_live,
    reserve_time_what_if,
)
from hullwatch.analysis.seal import verify_seal
from hullwatch.demo import DemoResult, run_demo
from hullwatch.detect import Alarm, DetectResult, LeakDetector, detect_leaks
from hullwatch.errors import AnalysisError, HullwatchError, InputError
from hullwatch.events import EventsResult, detect_events, read_ops_log
from hullwatch.habitat import Habitat, HatchTimeline, load_habitat, write_habitat
from hullwatch.locate import LocatePriors, LocateResult, expected_posterior, locate_leak
from hullwatch.locate.constraints import IsolationConstraints
from hullwatch.locate.plan import IsolationPlan, plan_isolation
from hullwatch.physics import AIR, LEAK_MODELS, Gas, LeakModel, gas_mass_kg, leak_model
from hullwatch.physics.leakflow import effective_areas_m2
from hullwatch.report.build import Report, build_report
from hullwatch.risk import RiskAssessment, RiskTable, assess_risk, load_risk_table
from hullwatch.simulate import Scenario, SimulationResult, load_scenario, simulate
from hullwatch.simulate.output import write_simulation
from hullwatch.store import Archive, IngestReport, StateDB
from hullwatch.telemetry import Telemetry, quality_report, read_isslive, read_telemetry

__all__ = [
    "AIR",
    "LEAK_MODELS",
    "Alarm",
    "AnalysisError",
    "Archive",
    "BudgetLeak",
    "DemoResult",
    "DetectResult",
    "EventsResult",
    "ForecastResult",
    "Gas",
    "GasBudget",
    "Habitat",
    "HatchTimeline",
    "HullwatchError",
    "IngestReport",
    "InputError",
    "IsolationConstraints",
    "IsolationPlan",
    "LeakDetector",
    "LeakModel",
    "LeakRateResult",
    "LocatePriors",
    "LocateResult",
    "PlanLeak",
    "Report",
    "RepressPlan",
    "ReserveTimeResult",
    "RiskAssessment",
    "RiskTable",
    "Scenario",
    "SimulationResult",
    "StateDB",
    "Telemetry",
    "assess_risk",
    "build_report",
    "detect_events",
    "detect_leaks",
    "effective_areas_m2",
    "expected_posterior",
    "forecast_pressure",
    "gas_budget",
    "gas_mass_kg",
    "leak_from_rate",
    "leak_model",
    "leak_rate",
    "load_gas_stores",
    "load_habitat",
    "load_risk_table",
    "load_scenario",
    "locate_leak",
    "plan_isolation",
    "plan_repress",
    "quality_report",
    "read_isslive",
    "read_ops_log",
    "read_telemetry",
    "reserve_time",
    "reserve_time_live",
    "reserve_time_what_if",
    "run_demo",
    "simulate",
    "verify_seal",
    "write_habitat",
    "write_simulation",
]
