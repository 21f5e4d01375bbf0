"""The live service (``hullwatch serve``): ingest, REST, push stream and dashboard."""

from hullwatch.service.app import create_app
from hullwatch.service.state import LiveState

__all__ = ["LiveState", "create_app"]
