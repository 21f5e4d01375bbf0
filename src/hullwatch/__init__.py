"""hullwatch: atmosphere-leak monitoring for pressurized spacecraft and habitats."""

__version__ = "0.1.0"
