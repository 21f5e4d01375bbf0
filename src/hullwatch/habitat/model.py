"""The habitat: modules, hatches between them, and the channels that watch them.

Modules joined by open hatches form one *compartment*: one gas volume at one
pressure (formats.md section 1).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hullwatch.errors import InputError

#: Quantities a channel may measure, and the unit family each takes.
QUANTITY_UNIT_FAMILY: dict[str, str] = {
    "pressure": "pressure",
    "temperature": "temperature",
    "hatch": "dimensionless",
    "ppN2": "pressure",
    "ppO2": "pressure",
    "ppCO2": "pressure",
    "status": "dimensionless",
}

Compartment = tuple[str, ...]


@dataclass(frozen=True)
class Module:
    """A pressurized module.

    Parameters
    ----------
    name : str
        Unique, case-sensitive name.
    volume_m3 : float
        Free gas volume. [m^3]
    """

    name: str
    volume_m3: float


@dataclass(frozen=True)
class Hatch:
    """A hatch between two modules.

    Parameters
    ----------
    name : str
        Unique name, by default ``"<a>-<b>"``.
    between : tuple of str
        The two modules it joins.
    seal_conductance_kg_per_s_pa : float
        Gas passed through the seal when the hatch is closed, per unit pressure
        difference (a leaking hatch seal, as suspected at the PrK in 2025). [kg/(s Pa)]
    """

    name: str
    between: tuple[str, str]
    seal_conductance_kg_per_s_pa: float = 0.0


@dataclass(frozen=True)
class Channel:
    """A telemetry channel.

    Parameters
    ----------
    id : str
        Channel id as it appears in telemetry files.
    quantity : str
        One of :data:`QUANTITY_UNIT_FAMILY`.
    unit : str
        Unit of the values in telemetry files (see :mod:`hullwatch.units`).
    module : str or None
        The module it measures (all quantities but ``hatch``).
    hatch : str or None
        The hatch it reports (``hatch`` channels only).
    """

    id: str
    quantity: str
    unit: str
    module: str | None = None
    hatch: str | None = None


@dataclass(frozen=True)
class Habitat:
    """A pressurized vehicle: modules, hatches and channels, validated on construction."""

    name: str
    modules: tuple[Module, ...]
    hatches: tuple[Hatch, ...]
    channels: tuple[Channel, ...] = ()
    source: str = "<habitat>"
    _module_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_module_index", {m.name: i for i, m in enumerate(self.modules)})

    @property
    def module_names(self) -> tuple[str, ...]:
        """Module names in file order."""
        return tuple(m.name for m in self.modules)

    @property
    def hatch_names(self) -> tuple[str, ...]:
        """Hatch names in file order."""
        return tuple(h.name for h in self.hatches)

    def module(self, name: str) -> Module:
        """The module called ``name``; :class:`InputError` names the valid ones if absent."""
        try:
            return self.modules[self._module_index[name]]
        except KeyError:
            raise InputError(
                f"no module {name!r} in habitat {self.name!r}; "
                f"modules: {', '.join(self.module_names)}",
                field="--module",
            ) from None

    def hatch(self, name: str) -> Hatch:
        """The hatch called ``name``."""
        for hatch in self.hatches:
            if hatch.name == name:
                return hatch
        raise InputError(f"no hatch {name!r} in habitat {self.name!r}")

    def channel(self, channel_id: str) -> Channel | None:
        """The channel with id ``channel_id``, or ``None``."""
        return self.channel_map.get(channel_id)

    @property
    def channel_map(self) -> dict[str, Channel]:
        """Channels by id."""
        return {c.id: c for c in self.channels}

    def channels_for(self, module: str, quantity: str) -> list[Channel]:
        """Channels measuring ``quantity`` in ``module``."""
        return [c for c in self.channels if c.module == module and c.quantity == quantity]

    def hatch_channels(self) -> dict[str, Channel]:
        """Hatch channels by hatch name (the first, where a hatch has several)."""
        found: dict[str, Channel] = {}
        for c in self.channels:
            if c.quantity == "hatch" and c.hatch is not None:
                found.setdefault(c.hatch, c)
        return found

    def volume_m3(self, modules: Iterable[str]) -> float:
        """Total free volume of ``modules``. [m^3]"""
        return float(sum(self.module(m).volume_m3 for m in modules))

    def compartments(self, open_hatches: Collection[str]) -> list[Compartment]:
        """Connected components of the modules under a hatch state.

        Parameters
        ----------
        open_hatches : collection of str
            Names of the open hatches; all others are closed.

        Returns
        -------
        list of tuple of str
            Each compartment's modules in file order; compartments ordered by
            their first module.

        Examples
        --------
        >>> hab = Habitat("h", (Module("A", 1.0), Module("B", 2.0), Module("C", 3.0)),
        ...               (Hatch("A-B", ("A", "B")), Hatch("B-C", ("B", "C"))))
        >>> hab.compartments({"A-B"})
        [('A', 'B'), ('C',)]
        """
        n = len(self.modules)
        rows, cols = [], []
        for hatch in self.hatches:
            if hatch.name in open_hatches:
                rows.append(self._module_index[hatch.between[0]])
                cols.append(self._module_index[hatch.between[1]])
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        groups: dict[int, list[str]] = {}
        for index, label in enumerate(labels):
            groups.setdefault(int(label), []).append(self.modules[index].name)
        return sorted((tuple(g) for g in groups.values()), key=lambda g: self._module_index[g[0]])

    def compartment_of(self, module: str, open_hatches: Collection[str]) -> Compartment:
        """The compartment holding ``module`` under a hatch state."""
        self.module(module)
        for compartment in self.compartments(open_hatches):
            if module in compartment:
                return compartment
        raise AssertionError("unreachable: every module is in a compartment")

    def neighbours(self, module: str) -> list[tuple[str, str]]:
        """``(hatch, other module)`` pairs for every hatch of ``module``."""
        out = []
        for hatch in self.hatches:
            a, b = hatch.between
            if module in (a, b):
                out.append((hatch.name, b if module == a else a))
        return out
