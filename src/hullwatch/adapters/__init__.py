"""Adapters that let other tools read hullwatch: the Open MCT telemetry provider."""

from hullwatch.adapters.openmct import dictionary, historical, openmct_router

__all__ = ["dictionary", "historical", "openmct_router"]
