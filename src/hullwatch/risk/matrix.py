"""The 5 x 5 risk matrix: level tables that map a probability or a consequence metric to 1-5.

A :class:`RiskTable` holds one :class:`LevelScale` for likelihood (probability of
exceeding the programme threshold within the horizon) and one per consequence metric
(:data:`CONSEQUENCE_METRICS`), plus the colour zoning of the 25 cells.  Tables are
TOML files; hullwatch ships ``data/risk_default.toml``, which is **hullwatch's own
documented default and not the NASA ISS programme's**: the official level definitions
and the red/yellow/green zoning are not public (NPR 8000.4 and NASA/SP-2011-3422 confirm
only that both axes run 1-5 with 5 the most severe; iss-facts.md).  A programme loads its
own with :func:`load_risk_table`.

Every scale is validated when it is loaded: levels 1-5 each exactly once, ranges that
tile the metric's domain with no gap and no overlap, and levels that rise (or fall, for
metrics where more is better, such as reserve time) monotonically along the metric.
A problem raises :class:`~hullwatch.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hullwatch.errors import InputError

#: Number of levels on each axis.
LEVELS = (1, 2, 3, 4, 5)

#: Consequence metrics a table scores, with the direction in which the level rises:
#: ``+1`` the level rises with the metric, ``-1`` it falls (more reserve time is better).
CONSEQUENCE_METRICS: dict[str, int] = {
    "reserve_time_days": -1,
    "gas_loss_kg_per_30d": +1,
}

#: Domain of each metric: (lowest, highest) value a scale must cover.
_DOMAINS: dict[str, tuple[float, float]] = {
    "probability": (0.0, 1.0),
    "reserve_time_days": (0.0, math.inf),
    "gas_loss_kg_per_30d": (0.0, math.inf),
}

#: What hullwatch says wherever its default table is used.
DEFAULT_DISCLAIMER = (
    "hullwatch default risk table: NOT the NASA ISS programme's level definitions or "
    "colour zoning, which are not public; load a programme table with --table"
)

#: Relative tolerance when checking that one range ends where the next begins.
_EDGE_RTOL = 1e-12


@dataclass(frozen=True)
class LevelRange:
    """One level of a scale: values in ``[low, high)`` score ``level``.

    Attributes
    ----------
    level : int
        1-5.
    low, high : float
        Range of the metric, in the metric's unit (``high`` may be ``inf``).
    label : str
        Words for the level.
    """

    level: int
    low: float
    high: float
    label: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``inf`` written as ``null``)."""
        return {
            "level": self.level,
            "min": self.low,
            "max": None if math.isinf(self.high) else self.high,
            "label": self.label,
        }


@dataclass(frozen=True)
class LevelScale:
    """A validated mapping from one metric to levels 1-5.

    Attributes
    ----------
    metric : str
        ``probability`` or a key of :data:`CONSEQUENCE_METRICS`.
    direction : int
        ``+1`` if the level rises with the metric, ``-1`` if it falls.
    ranges : tuple of LevelRange
        Sorted by ``low``; they tile the metric's domain.
    """

    metric: str
    direction: int
    ranges: tuple[LevelRange, ...]

    def level(self, value: float) -> int:
        """The level of ``value`` (a value at a boundary takes the upper range's level).

        Parameters
        ----------
        value : float
            The metric, in its unit; clipped into the domain.

        Returns
        -------
        int
            1-5.
        """
        low, high = _DOMAINS[self.metric]
        v = min(max(float(value), low), high)
        for r in self.ranges:
            if r.low <= v < r.high:
                return r.level
        return self.ranges[-1].level  # v equals the top of a closed domain (probability 1)

    def label(self, level: int) -> str:
        """The label of ``level``."""
        return next(r.label for r in self.ranges if r.level == level)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "metric": self.metric,
            "direction": "rising" if self.direction > 0 else "falling",
            "levels": [r.to_dict() for r in self.ranges],
        }


@dataclass(frozen=True)
class RiskTable:
    """A complete 5 x 5 risk table.

    Attributes
    ----------
    name : str
        The table's name as written in the file.
    source : str
        Where it came from: the file path, or ``"built-in default"``.
    is_default : bool
        True for hullwatch's shipped default (which is not NASA's).
    likelihood : LevelScale
        Probability of exceedance within the horizon -> level.
    consequence : dict of str to LevelScale
        One scale per consequence metric; the consequence level is the highest of them.
    zones : dict of str to tuple of str and str
        Zone letter -> (zone name, matplotlib colour).
    zone_grid : tuple of str
        Five strings of five zone letters; row ``i`` is likelihood ``5 - i``, column ``j``
        consequence ``j + 1``.
    description : str
        Free text from the file.
    """

    name: str
    source: str
    is_default: bool
    likelihood: LevelScale
    consequence: dict[str, LevelScale]
    zones: dict[str, tuple[str, str]]
    zone_grid: tuple[str, ...]
    description: str = ""

    def zone(self, likelihood: int, consequence: int) -> tuple[str, str]:
        """(zone name, colour) of a cell."""
        letter = self.zone_grid[5 - likelihood][consequence - 1]
        return self.zones[letter]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the disclaimer when it is the default."""
        out: dict[str, Any] = {
            "name": self.name,
            "source": self.source,
            "is_default": self.is_default,
            "likelihood": self.likelihood.to_dict(),
            "consequence": {k: v.to_dict() for k, v in self.consequence.items()},
            "zones": {k: {"name": n, "color": c} for k, (n, c) in self.zones.items()},
            "zone_grid": list(self.zone_grid),
        }
        if self.is_default:
            out["disclaimer"] = DEFAULT_DISCLAIMER
        return out


def _scale(entries: Any, metric: str, direction: int, source: str, field: str) -> LevelScale:
    """Validate one ``[[...levels]]`` list into a :class:`LevelScale`."""
    if not isinstance(entries, list) or not entries:
        raise InputError("missing or empty list of levels", source=source, field=field)
    ranges: list[LevelRange] = []
    for i, entry in enumerate(entries):
        where = f"{field}[{i}]"
        if not isinstance(entry, dict):
            raise InputError("each level must be a table", source=source, field=where)
        unknown = set(entry) - {"level", "min", "max", "label"}
        if unknown:
            raise InputError(
                f"unknown key(s) {', '.join(sorted(unknown))}; use level, min, max, label",
                source=source,
                field=where,
            )
        level = entry.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS:
            raise InputError(
                f"level must be an integer 1-5, got {level!r}", source=source, field=where
            )
        try:
            low = float(entry["min"])
            high = float(entry.get("max", math.inf))
        except (KeyError, TypeError, ValueError):
            raise InputError("min (and max) must be numbers", source=source, field=where) from None
        if math.isnan(low) or math.isnan(high) or not low < high:
            raise InputError(f"min {low:g} must be below max {high:g}", source=source, field=where)
        ranges.append(LevelRange(level, low, high, str(entry.get("label", ""))))
    levels = sorted(r.level for r in ranges)
    missing = [lv for lv in LEVELS if lv not in levels]
    if missing:
        raise InputError(
            f"missing level(s) {', '.join(map(str, missing))}; a scale needs 1-5 once each",
            source=source,
            field=field,
        )
    if len(levels) != len(set(levels)):
        raise InputError("a level appears more than once", source=source, field=field)
    ranges.sort(key=lambda r: r.low)
    lo_domain, hi_domain = _DOMAINS[metric]
    if ranges[0].low > lo_domain:
        raise InputError(
            f"gap: nothing covers {lo_domain:g} to {ranges[0].low:g}", source=source, field=field
        )
    if ranges[-1].high < hi_domain:
        raise InputError(
            f"gap: nothing covers {ranges[-1].high:g} to {hi_domain:g}",
            source=source,
            field=field,
        )
    for a, b in itertools.pairwise(ranges):
        if math.isclose(a.high, b.low, rel_tol=_EDGE_RTOL):
            continue
        kind = "gap" if a.high < b.low else "overlap"
        raise InputError(
            f"{kind} between level {a.level} (up to {a.high:g}) and level {b.level} "
            f"(from {b.low:g})",
            source=source,
            field=field,
        )
    along = [r.level for r in ranges]
    expected = sorted(along) if direction > 0 else sorted(along, reverse=True)
    if along != expected:
        order = "rise" if direction > 0 else "fall"
        raise InputError(
            f"levels must {order} monotonically along {metric}; in order of the ranges they "
            f"are {along}",
            source=source,
            field=field,
        )
    return LevelScale(metric, direction, tuple(ranges))


def parse_risk_table(
    document: dict[str, Any], source: str, *, is_default: bool = False
) -> RiskTable:
    """Validate a parsed risk-table TOML document.

    Parameters
    ----------
    document : dict
        The parsed TOML.
    source : str
        The file name (for messages).
    is_default : bool
        True only for the shipped default.

    Returns
    -------
    RiskTable

    Raises
    ------
    InputError
        Naming ``source`` and the field for a gap, an overlap, a missing or repeated
        level, non-monotonic levels, or a malformed zone grid.
    """
    likelihood_doc = document.get("likelihood")
    if not isinstance(likelihood_doc, dict):
        raise InputError("missing [likelihood] table", source=source, field="likelihood")
    likelihood = _scale(
        likelihood_doc.get("levels"), "probability", +1, source, "likelihood.levels"
    )
    consequence_doc = document.get("consequence")
    if not isinstance(consequence_doc, dict) or not consequence_doc:
        raise InputError("missing [consequence] table", source=source, field="consequence")
    consequence: dict[str, LevelScale] = {}
    for metric, body in consequence_doc.items():
        if metric not in CONSEQUENCE_METRICS:
            raise InputError(
                f"unknown consequence metric; known: {', '.join(CONSEQUENCE_METRICS)}",
                source=source,
                field=f"consequence.{metric}",
            )
        levels = body.get("levels") if isinstance(body, dict) else None
        consequence[metric] = _scale(
            levels, metric, CONSEQUENCE_METRICS[metric], source, f"consequence.{metric}.levels"
        )
    zoning = document.get("zoning")
    if not isinstance(zoning, dict):
        raise InputError("missing [zoning] table", source=source, field="zoning")
    zones_doc = zoning.get("zones")
    if not isinstance(zones_doc, dict) or not zones_doc:
        raise InputError("missing [zoning.zones] table", source=source, field="zoning.zones")
    zones: dict[str, tuple[str, str]] = {}
    for letter, body in zones_doc.items():
        if len(letter) != 1 or not isinstance(body, dict) or "color" not in body:
            raise InputError(
                "each zone is one letter with a name and a color",
                source=source,
                field=f"zoning.zones.{letter}",
            )
        zones[letter] = (str(body.get("name", letter)), str(body["color"]))
    grid = zoning.get("grid")
    if (
        not isinstance(grid, list)
        or len(grid) != 5
        or not all(isinstance(row, str) and len(row) == 5 for row in grid)
    ):
        raise InputError(
            "grid must be five strings of five zone letters (likelihood 5 first)",
            source=source,
            field="zoning.grid",
        )
    unknown = sorted({ch for row in grid for ch in row} - set(zones))
    if unknown:
        raise InputError(
            f"zone letter(s) {', '.join(unknown)} not defined under [zoning.zones]",
            source=source,
            field="zoning.grid",
        )
    return RiskTable(
        name=str(document.get("name", Path(source).stem)),
        source=source,
        is_default=is_default,
        likelihood=likelihood,
        consequence=consequence,
        zones=zones,
        zone_grid=tuple(grid),
        description=str(document.get("description", "")),
    )


def load_risk_table(path: str | Path | None = None) -> RiskTable:
    """Load and validate a risk table; the built-in default when ``path`` is None.

    Parameters
    ----------
    path : str or Path, optional
        A programme's risk-table TOML.

    Returns
    -------
    RiskTable

    Raises
    ------
    InputError
        If the file is missing, is not TOML, or fails validation.
    """
    if path is None:
        text = resources.files("hullwatch.data").joinpath("risk_default.toml").read_text("utf-8")
        return parse_risk_table(tomllib.loads(text), "built-in default", is_default=True)
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read risk table: {exc.strerror}", source=str(file)) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(file)) from None
    return parse_risk_table(document, str(file))
