"""Load and validate habitat files (formats.md section 1).

Every error names the file, the entry and what is wrong, as an
:class:`~hullwatch.errors.InputError` (exit status 2 in the CLI).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hullwatch.errors import InputError
from hullwatch.habitat.model import QUANTITY_UNIT_FAMILY, Channel, Habitat, Hatch, Module
from hullwatch.units import (
    DIMENSIONLESS_UNITS,
    PRESSURE_UNITS_TO_PA,
    TEMPERATURE_UNITS_TO_K,
)

BUILTIN_HABITATS = ("iss",)

_UNITS_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "pressure": tuple(PRESSURE_UNITS_TO_PA),
    "temperature": tuple(TEMPERATURE_UNITS_TO_K),
    "dimensionless": DIMENSIONLESS_UNITS,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ModuleEntry(_Strict):
    name: str = Field(min_length=1)
    volume_m3: float = Field(gt=0, allow_inf_nan=False)


class _HatchEntry(_Strict):
    name: str | None = None
    between: tuple[str, str]
    seal_conductance_kg_per_s_pa: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class _ChannelEntry(_Strict):
    id: str = Field(min_length=1)
    quantity: str
    unit: str = "1"
    module: str | None = None
    hatch: str | None = None

    @model_validator(mode="after")
    def _check(self) -> _ChannelEntry:
        if self.quantity not in QUANTITY_UNIT_FAMILY:
            raise ValueError(
                f"unknown quantity {self.quantity!r}; known: {', '.join(QUANTITY_UNIT_FAMILY)}"
            )
        allowed = _UNITS_BY_FAMILY[QUANTITY_UNIT_FAMILY[self.quantity]]
        if self.unit not in allowed:
            raise ValueError(
                f"unit {self.unit!r} is not a unit of {self.quantity}; use one of "
                f"{', '.join(allowed)}"
            )
        if self.quantity == "hatch":
            if self.hatch is None or self.module is not None:
                raise ValueError("a hatch channel names a hatch (hatch = ...), not a module")
        elif self.module is None or self.hatch is not None:
            raise ValueError(f"a {self.quantity} channel names a module (module = ...)")
        return self


class _HabitatFile(_Strict):
    name: str = Field(min_length=1)
    modules: list[_ModuleEntry] = Field(min_length=1)
    hatches: list[_HatchEntry] = []
    channels: list[_ChannelEntry] = []


def _entry_label(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """``modules[2] ('Zarya')`` for a pydantic error location."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        section, index = str(loc[0]), loc[1]
        label = f"{section}[{index}]"
        try:
            entry = raw[section][index]
            name = entry.get("name") or entry.get("id")
            if name:
                label += f" ({name!r})"
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        rest = [str(p) for p in loc[2:]]
        return label + (": " + ".".join(rest) if rest else "")
    return ".".join(str(p) for p in loc) or "file"


def _duplicates(names: list[str]) -> list[str]:
    return sorted(n for n, count in Counter(names).items() if count > 1)


def habitat_from_dict(raw: dict[str, Any], source: str = "<habitat>") -> Habitat:
    """Validate a parsed habitat document and build a :class:`Habitat`.

    Parameters
    ----------
    raw : dict
        The TOML document as parsed.
    source : str
        File name used in error messages.

    Returns
    -------
    Habitat

    Raises
    ------
    InputError
        Naming the file, the entry and what is wrong.
    """
    try:
        parsed = _HabitatFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise InputError(
            message + more, source=source, field=_entry_label(raw, tuple(first["loc"]))
        ) from None

    modules = tuple(Module(m.name, m.volume_m3) for m in parsed.modules)
    module_names = [m.name for m in modules]
    if dup := _duplicates(module_names):
        raise InputError(f"duplicate module name {dup[0]!r}", source=source, field="modules")
    known = set(module_names)

    hatches = []
    for index, entry in enumerate(parsed.hatches):
        name = entry.name or f"{entry.between[0]}-{entry.between[1]}"
        label = f"hatches[{index}] ({name!r})"
        for end in entry.between:
            if end not in known:
                raise InputError(f"unknown module {end!r} in between", source=source, field=label)
        if entry.between[0] == entry.between[1]:
            raise InputError("a hatch must join two different modules", source=source, field=label)
        hatches.append(Hatch(name, entry.between, entry.seal_conductance_kg_per_s_pa))
    if dup := _duplicates([h.name for h in hatches]):
        raise InputError(f"duplicate hatch name {dup[0]!r}", source=source, field="hatches")
    pairs = [frozenset(h.between) for h in hatches]
    if len(set(pairs)) != len(pairs):
        twice = next(p for p in pairs if pairs.count(p) > 1)
        raise InputError(
            f"two hatches join the same modules {sorted(twice)}", source=source, field="hatches"
        )
    hatch_names = {h.name for h in hatches}

    channels = []
    for index, c in enumerate(parsed.channels):
        label = f"channels[{index}] ({c.id!r})"
        if c.module is not None and c.module not in known:
            raise InputError(f"unknown module {c.module!r}", source=source, field=label)
        if c.hatch is not None and c.hatch not in hatch_names:
            raise InputError(f"unknown hatch {c.hatch!r}", source=source, field=label)
        channels.append(Channel(c.id, c.quantity, c.unit, c.module, c.hatch))
    if dup := _duplicates([c.id for c in channels]):
        raise InputError(f"duplicate channel id {dup[0]!r}", source=source, field="channels")

    return Habitat(parsed.name, modules, tuple(hatches), tuple(channels), source)


def load_habitat(path: str | Path | None = None) -> Habitat:
    """Load a habitat file, or the built-in ISS habitat when ``path`` is ``None``.

    Parameters
    ----------
    path : str or Path, optional
        A TOML habitat file, or the name of a built-in habitat (``"iss"``).

    Returns
    -------
    Habitat

    Raises
    ------
    InputError
        If the file is missing, is not TOML, or is not a valid habitat.

    Examples
    --------
    >>> iss = load_habitat()
    >>> iss.module("PrK").volume_m3
    5.0
    """
    if path is None or str(path) in BUILTIN_HABITATS:
        name = "iss" if path is None else str(path)
        text = resources.files("hullwatch.data").joinpath(f"{name}.toml").read_text("utf-8")
        source = f"<built-in {name}.toml>"
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except FileNotFoundError:
            raise InputError("no such habitat file", source=source) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read habitat file: {exc}", source=source) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"TOML syntax: {exc}", source=source) from None
    return habitat_from_dict(raw, source)


def habitat_to_dict(habitat: Habitat) -> dict[str, Any]:
    """The habitat as a formats.md section 1 document.

    It round-trips through :func:`habitat_from_dict`.
    """
    hatches = []
    for h in habitat.hatches:
        entry: dict[str, Any] = {"name": h.name, "between": list(h.between)}
        if h.seal_conductance_kg_per_s_pa:
            entry["seal_conductance_kg_per_s_pa"] = h.seal_conductance_kg_per_s_pa
        hatches.append(entry)
    channels = []
    for c in habitat.channels:
        entry = {"id": c.id, "quantity": c.quantity, "unit": c.unit}
        entry.update({"module": c.module} if c.module is not None else {"hatch": c.hatch})
        channels.append(entry)
    return {
        "name": habitat.name,
        "modules": [{"name": m.name, "volume_m3": m.volume_m3} for m in habitat.modules],
        "hatches": hatches,
        "channels": channels,
    }


def write_habitat(habitat: Habitat, path: str | Path) -> None:
    """Write ``habitat`` as a TOML habitat file."""
    Path(path).write_text(tomli_w.dumps(habitat_to_dict(habitat)), "utf-8")
