"""Events in telemetry: represses, depresses, hatch changes, thermal transients, operations.

``hullwatch events`` is a thin shell over :func:`detect_events`; its JSON is
:meth:`EventsResult.to_dict` (formats.md section 3).
"""

from hullwatch.events.detect import detect_events
from hullwatch.events.model import (
    DEFAULT_EVENT_SETTINGS,
    Event,
    EventSettings,
    EventsResult,
    GasEvent,
    HatchEvent,
    Operation,
    OperationEvent,
    RateWindow,
    ThermalTransient,
)
from hullwatch.events.opslog import read_ops_log

__all__ = [
    "DEFAULT_EVENT_SETTINGS",
    "Event",
    "EventSettings",
    "EventsResult",
    "GasEvent",
    "HatchEvent",
    "Operation",
    "OperationEvent",
    "RateWindow",
    "ThermalTransient",
    "detect_events",
    "read_ops_log",
]
