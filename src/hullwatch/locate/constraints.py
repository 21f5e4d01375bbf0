"""Constraints of ``hullwatch plan-isolation``: crew access, hatches, pressure, closures.

A constraints file is TOML with the same fields as the command's options::

    keep_access = ["Zvezda"]          # modules the crew must reach, in one compartment
    never_close = ["Unity-Destiny"]   # hatches that cannot be closed
    always_closed = ["Zvezda-PrK"]    # hatches that stay closed in every configuration
    min_pressure_mmhg = 600.0         # no compartment may fall below this over a hold
    max_closures_per_day = 2          # hatch closures the crew can do in a day
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat
from hullwatch.units import STANDARD_ATMOSPHERE_PA, to_si

#: Fields of a constraints file.
FIELDS = (
    "keep_access",
    "never_close",
    "always_closed",
    "min_pressure_mmhg",
    "max_closures_per_day",
)


@dataclass(frozen=True)
class IsolationConstraints:
    """What a hatch configuration must respect.

    Attributes
    ----------
    keep_access : tuple of str
        Modules the crew must keep access to: all in one compartment.
    never_close : tuple of str
        Hatches that cannot be closed.
    always_closed : tuple of str
        Hatches closed in every configuration (e.g. a module already isolated).
    min_pressure_pa : float or None
        Lowest pressure any compartment may reach during a hold. [Pa]
    max_closures_per_day : int or None
        Hatch closures the crew can do in a day.
    source : str or None
        The file the constraints came from, for messages.
    """

    keep_access: tuple[str, ...] = ()
    never_close: tuple[str, ...] = ()
    always_closed: tuple[str, ...] = ()
    min_pressure_pa: float | None = None
    max_closures_per_day: int | None = None
    source: str | None = field(default=None, compare=False)

    def merged(
        self,
        *,
        keep_access: Iterable[str] = (),
        never_close: Iterable[str] = (),
        always_closed: Iterable[str] = (),
        min_pressure_pa: float | None = None,
        max_closures_per_day: int | None = None,
    ) -> IsolationConstraints:
        """These constraints plus command-line options (lists add up, numbers replace)."""
        return IsolationConstraints(
            keep_access=_unique(self.keep_access, keep_access),
            never_close=_unique(self.never_close, never_close),
            always_closed=_unique(self.always_closed, always_closed),
            min_pressure_pa=self.min_pressure_pa if min_pressure_pa is None else min_pressure_pa,
            max_closures_per_day=(
                self.max_closures_per_day if max_closures_per_day is None else max_closures_per_day
            ),
            source=self.source,
        )

    def validate(self, habitat: Habitat) -> None:
        """Check every name against ``habitat`` and the constraints against each other.

        Raises
        ------
        InputError
            Naming the field: an unknown module or hatch, a hatch both always closed and
            never closable, access modules that the always-closed hatches separate, a
            minimum pressure outside (0, 1 atm), or fewer than one closure a day.
        """
        modules = set(habitat.module_names)
        hatches = set(habitat.hatch_names)
        for name in self.keep_access:
            if name not in modules:
                raise self._error(f"unknown module {name!r}", "keep_access")
        for key, names in (
            ("never_close", self.never_close),
            ("always_closed", self.always_closed),
        ):
            for name in names:
                if name not in hatches:
                    raise self._error(f"unknown hatch {name!r}", key)
        both = sorted(set(self.never_close) & set(self.always_closed))
        if both:
            raise self._error(
                f"{', '.join(both)} cannot be both always closed and never closed", "always_closed"
            )
        if self.keep_access:
            open_hatches = hatches - set(self.always_closed)
            home = habitat.compartment_of(self.keep_access[0], open_hatches)
            apart = [m for m in self.keep_access if m not in home]
            if apart:
                raise self._error(
                    f"{', '.join(apart)} cannot share a compartment with {self.keep_access[0]} "
                    "while the always-closed hatches are closed",
                    "keep_access",
                )
        if self.min_pressure_pa is not None and not (
            0.0 < self.min_pressure_pa < STANDARD_ATMOSPHERE_PA
        ):
            raise self._error(
                f"must lie between 0 and 760 mmHg, not {self.min_pressure_pa:.6g} Pa",
                "min_pressure_mmhg",
            )
        if self.max_closures_per_day is not None and self.max_closures_per_day < 1:
            raise self._error(
                f"must be at least 1, not {self.max_closures_per_day}", "max_closures_per_day"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON form (pressure in Pa)."""
        return {
            "keep_access": list(self.keep_access),
            "never_close": list(self.never_close),
            "always_closed": list(self.always_closed),
            "min_pressure_pa": self.min_pressure_pa,
            "max_closures_per_day": self.max_closures_per_day,
        }

    def _error(self, message: str, key: str) -> InputError:
        return InputError(message, source=self.source, field=key)


def _unique(*groups: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out += [name for name in group if name not in out]
    return tuple(out)


def _names(raw: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("must be a list of names", source=source, field=key)
    return tuple(value)


def _number(raw: dict[str, Any], key: str, source: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"must be a number, not {value!r}", source=source, field=key)
    return float(value)


def load_constraints(path: str | Path) -> IsolationConstraints:
    """Read a constraints TOML file (fields: :data:`FIELDS`).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    IsolationConstraints
        Not yet checked against a habitat (see :meth:`IsolationConstraints.validate`).

    Raises
    ------
    InputError
        For a missing or malformed file, an unknown field or a value of the wrong type.
    """
    source = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read constraints: {exc.strerror}", source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=source) from None
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InputError(
            f"unknown field; valid: {', '.join(FIELDS)}", source=source, field=unknown[0]
        )
    pressure_mmhg = _number(raw, "min_pressure_mmhg", source)
    closures = _number(raw, "max_closures_per_day", source)
    if closures is not None and closures != int(closures):
        raise InputError("must be a whole number", source=source, field="max_closures_per_day")
    return IsolationConstraints(
        keep_access=_names(raw, "keep_access", source),
        never_close=_names(raw, "never_close", source),
        always_closed=_names(raw, "always_closed", source),
        min_pressure_pa=None if pressure_mmhg is None else to_si(pressure_mmhg, "mmHg"),
        max_closures_per_day=None if closures is None else int(closures),
        source=source,
    )
