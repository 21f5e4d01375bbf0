"""The hypotheses ``hullwatch locate`` weighs: where a single leak could be.

Every hypothesis is a *signature*: how much of an unknown leak rate ``L`` each
compartment of a hatch configuration would lose.

* ``module``: a leak to space in one module.  The compartment holding it loses
  ``L``; every other compartment loses nothing beyond its background.
* ``none``: no leak above the background; every compartment loses only its
  modules' background leakage.
* ``seal``: gas moving through the seal of a closed hatch between modules ``a``
  and ``b`` (as suspected at the PrK in 2025).  The compartment holding ``a``
  loses ``L`` and the one holding ``b`` gains it; ``L`` may have either sign (the
  gas flows from the higher pressure).  While the hatch is open both sides are one
  compartment and the signature vanishes.

The model assumes **one** leak at a time (besides the background).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hullwatch.habitat import Habitat

FloatArray = npt.NDArray[np.float64]

#: Kinds of hypothesis.
MODULE, NO_LEAK, SEAL = "module", "none", "seal"

#: Name of the no-leak hypothesis in outputs.
NO_LEAK_NAME = "no leak"


@dataclass(frozen=True)
class Hypothesis:
    """One place a leak could be.

    Attributes
    ----------
    kind : str
        ``"module"``, ``"none"`` or ``"seal"``.
    name : str
        The module, ``"no leak"``, or ``"seal:<hatch>"``.
    loses, gains : tuple of str
        Modules whose compartment loses (gains) the leak's gas.
    """

    kind: str
    name: str
    loses: tuple[str, ...] = ()
    gains: tuple[str, ...] = ()

    def signature(self, compartments: Sequence[Iterable[str]]) -> FloatArray:
        """Fraction of ``L`` each compartment loses (1, 0 or -1 for a gain)."""
        out = np.zeros(len(compartments))
        for i, compartment in enumerate(compartments):
            members = set(compartment)
            out[i] = sum(m in members for m in self.loses) - sum(m in members for m in self.gains)
        return out


def build_hypotheses(habitat: Habitat, closed_hatches: Iterable[str] = ()) -> list[Hypothesis]:
    """No leak, a leak in each module, and leak-through at each hatch ever closed.

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    closed_hatches : iterable of str
        Hatches closed at some time in the data; only their seals can show.

    Returns
    -------
    list of Hypothesis
        ``no leak`` first, then the modules in habitat order, then the seals.
    """
    closed = set(closed_hatches)
    out = [Hypothesis(NO_LEAK, NO_LEAK_NAME)]
    out += [Hypothesis(MODULE, m, loses=(m,)) for m in habitat.module_names]
    out += [
        Hypothesis(SEAL, f"seal:{h.name}", loses=(h.between[0],), gains=(h.between[1],))
        for h in habitat.hatches
        if h.name in closed
    ]
    return out
