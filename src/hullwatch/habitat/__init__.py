"""Habitat model: modules, hatches, channels and compartments."""

from hullwatch.habitat.loader import habitat_from_dict, load_habitat, write_habitat
from hullwatch.habitat.model import Channel, Compartment, Habitat, Hatch, Module
from hullwatch.habitat.timeline import Configuration, HatchTimeline

__all__ = [
    "Channel",
    "Compartment",
    "Configuration",
    "Habitat",
    "Hatch",
    "HatchTimeline",
    "Module",
    "habitat_from_dict",
    "load_habitat",
    "write_habitat",
]
