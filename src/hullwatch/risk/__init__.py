"""The 5 x 5 leak risk score and the PrK leak-history case study.

:mod:`~hullwatch.risk.matrix` (level tables), :mod:`~hullwatch.risk.records` (rate
figures, step increases, readers), :mod:`~hullwatch.risk.likelihood` (probability of
exceeding a threshold), :mod:`~hullwatch.risk.consequence` (reserve time and gas under a
worst case), :mod:`~hullwatch.risk.assess` (the score), :mod:`~hullwatch.risk.plot`
(the matrix picture) and :mod:`~hullwatch.risk.history` (the case study).
"""

from hullwatch.risk.assess import CurrentRate, RiskAssessment, assess_risk
from hullwatch.risk.matrix import RiskTable, load_risk_table
from hullwatch.risk.records import RateObservation, StepEvent, read_rate_history

__all__ = [
    "CurrentRate",
    "RateObservation",
    "RiskAssessment",
    "RiskTable",
    "StepEvent",
    "assess_risk",
    "load_risk_table",
    "read_rate_history",
]
