"""Gas budget: N2 and O2 that leaks and repressurizations use up, against stores and resupply.

In steady state every kilogram that leaks is put back by a repressurization, so the
gas a leak consumes from stores over ``D`` days at a leak rate ``r`` of cabin air is
``r D``, split into the cabin's mass fractions ``w_N2`` and ``w_O2`` (CO2 is made by the
crew and not replaced from stores; water vapour is not counted):

.. math::

    c_g = w_g r, \\qquad w_g = \\frac{x_g M_g}{\\sum_s x_s M_s}, \\quad x_s = p_s / P

Each gas ``g`` has a stock ``S_g(t) = S_g(0) + \\sum_{t_f \\le t} d_{g} - c_g t`` with
deliveries ``d_g`` at the resupply flights ``t_f``; its **days of margin** is the first
``t`` with ``S_g(t) = 0`` (a later flight does not undo running out). A flight that
brings "N2 or air" as air adds to both gases by air's mass fractions.

Margins are given at the current (fitted or given) rate, at the upper end of its 95 %
interval, and at a configured worst case (by default the 3.7 lb/day of April 2024,
iss-facts.md). Metabolic O2 is not in the budget: the crew's O2 comes from the oxygen
generator, not from repress stores.

The stores file (``hullwatch/data/gas_stores.toml`` by default, docs/gas.md) labels
every figure; placeholders (figures iss-facts.md marks NOT FOUND) are listed in the
output so a margin computed from them is never mistaken for a real one.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import MOLAR_MASS_KG_PER_MOL
from hullwatch.telemetry import Telemetry
from hullwatch.units import kg_per_day_to_lb_per_day, lb_per_day_to_kg_per_day

#: The gases the budget tracks.
GASES = ("N2", "O2")
#: Name of the built-in stores file in ``hullwatch.data``.
DEFAULT_STORES = "gas_stores.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cabin(_Strict):
    pressure_mmHg: float = Field(gt=0)
    ppO2_mmHg: float = Field(ge=0)
    ppCO2_mmHg: float = Field(ge=0)

    @model_validator(mode="after")
    def _partials(self) -> _Cabin:
        if self.ppO2_mmHg + self.ppCO2_mmHg >= self.pressure_mmHg:
            raise ValueError("ppO2 + ppCO2 must be below the total pressure")
        return self


class _Air(_Strict):
    o2_mole_fraction: float = Field(gt=0, lt=1)


class _Store(_Strict):
    on_hand_kg: float = Field(ge=0)
    on_hand_status: str | None = None
    per_flight_kg: float = Field(ge=0)
    per_flight_status: str | None = None
    per_flight_range_kg: tuple[float, float] | None = None
    delivered_as: Literal["N2", "O2", "air"] | None = None


class _Flight(_Strict):
    day: float = Field(ge=0)
    status: str | None = None


class _WorstCase(_Strict):
    rate_lb_per_day: float = Field(gt=0)
    note: str = ""


class _StoresFile(_Strict):
    cabin: _Cabin
    air: _Air
    stores: dict[str, _Store]
    resupply: list[_Flight] = []
    worst_case: _WorstCase | None = None

    @field_validator("stores")
    @classmethod
    def _both(cls, stores: dict[str, _Store]) -> dict[str, _Store]:
        unknown = [g for g in stores if g not in GASES]
        if unknown:
            raise ValueError(f"unknown store {unknown[0]!r}; stores: {', '.join(GASES)}")
        missing = [g for g in GASES if g not in stores]
        if missing:
            raise ValueError(f"a store is needed for each of {', '.join(GASES)}: no {missing[0]}")
        return stores


def _mass_fractions(mole_fractions: dict[str, float]) -> dict[str, float]:
    total = sum(x * MOLAR_MASS_KG_PER_MOL[s] for s, x in mole_fractions.items())
    return {s: x * MOLAR_MASS_KG_PER_MOL[s] / total for s, x in mole_fractions.items()}


@dataclass(frozen=True)
class GasStores:
    """Stores on hand, what each flight brings, the flights, and the worst case.

    Attributes
    ----------
    on_hand_kg, per_flight_kg : dict
        By gas (``"N2"``, ``"O2"``). [kg]
    delivered_as : dict
        What each gas's flight load is: ``"N2"``, ``"O2"`` or ``"air"``.
    flight_days : tuple of float
        Resupply flights, days from the start of the period. [day]
    cabin_mass_fractions, air_mass_fractions : dict
        Mass fractions of the cabin gas (N2, O2, CO2) and of tank air (N2, O2). [-]
    worst_case_rate_kg_per_day : float or None
        Configured worst-case leak rate. [kg/day]
    placeholders : tuple of str
        The fields holding placeholders, not published figures.
    """

    on_hand_kg: dict[str, float]
    per_flight_kg: dict[str, float]
    per_flight_range_kg: dict[str, tuple[float, float] | None]
    delivered_as: dict[str, str]
    flight_days: tuple[float, ...]
    cabin_mass_fractions: dict[str, float]
    air_mass_fractions: dict[str, float]
    worst_case_rate_kg_per_day: float | None
    worst_case_note: str
    placeholders: tuple[str, ...]
    source: str

    def delivery_per_flight_kg(self) -> dict[str, float]:
        """Each gas one flight adds, with air loads split by air's mass fractions. [kg]"""
        out = dict.fromkeys(GASES, 0.0)
        for gas in GASES:
            kind = self.delivered_as[gas]
            if kind == "air":
                for g in GASES:
                    out[g] += self.per_flight_kg[gas] * self.air_mass_fractions[g]
            else:
                out[kind] += self.per_flight_kg[gas]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe stores, as used."""
        return {
            "source": self.source,
            "on_hand_kg": dict(self.on_hand_kg),
            "per_flight_kg": dict(self.per_flight_kg),
            "per_flight_range_kg": {
                g: None if r is None else list(r) for g, r in self.per_flight_range_kg.items()
            },
            "delivered_as": dict(self.delivered_as),
            "flight_days": list(self.flight_days),
            "cabin_mass_fractions": dict(self.cabin_mass_fractions),
            "placeholders": list(self.placeholders),
        }


def gas_stores_from_dict(raw: dict[str, Any], source: str = "<stores>") -> GasStores:
    """Validate a parsed stores document, naming the field that is wrong.

    Raises
    ------
    InputError
        For a missing, unknown or out-of-range field, naming it.
    """
    try:
        doc = _StoresFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(message, source=source, field=loc or None) from None
    cabin = doc.cabin
    x_o2 = cabin.ppO2_mmHg / cabin.pressure_mmHg
    x_co2 = cabin.ppCO2_mmHg / cabin.pressure_mmHg
    placeholders: list[str] = []
    for gas, store in doc.stores.items():
        for name in ("on_hand", "per_flight"):
            if (getattr(store, f"{name}_status") or "").lower() == "placeholder":
                placeholders.append(f"stores.{gas}.{name}_kg")
    placeholders += [
        f"resupply[{k}].day"
        for k, f in enumerate(doc.resupply)
        if (f.status or "").lower() == "placeholder"
    ]
    worst = doc.worst_case
    return GasStores(
        on_hand_kg={g: doc.stores[g].on_hand_kg for g in GASES},
        per_flight_kg={g: doc.stores[g].per_flight_kg for g in GASES},
        per_flight_range_kg={g: doc.stores[g].per_flight_range_kg for g in GASES},
        delivered_as={g: doc.stores[g].delivered_as or g for g in GASES},
        flight_days=tuple(sorted(f.day for f in doc.resupply)),
        cabin_mass_fractions=_mass_fractions({"N2": 1.0 - x_o2 - x_co2, "O2": x_o2, "CO2": x_co2}),
        air_mass_fractions=_mass_fractions(
            {"N2": 1.0 - doc.air.o2_mole_fraction, "O2": doc.air.o2_mole_fraction}
        ),
        worst_case_rate_kg_per_day=None
        if worst is None
        else lb_per_day_to_kg_per_day(worst.rate_lb_per_day),
        worst_case_note="" if worst is None else worst.note,
        placeholders=tuple(placeholders),
        source=source,
    )


def load_gas_stores(path: str | Path | None = None) -> GasStores:
    """Load a stores file (TOML); the built-in ``gas_stores.toml`` by default.

    Raises
    ------
    InputError
        For a missing file, TOML syntax, or an invalid field, naming file and field.
    """
    if path is None:
        source = f"hullwatch/data/{DEFAULT_STORES}"
        text = resources.files("hullwatch.data").joinpath(DEFAULT_STORES).read_text("utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except FileNotFoundError:
            raise InputError("no such stores file", source=source) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read stores file: {exc}", source=source) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"TOML syntax: {exc}", source=source) from None
    return gas_stores_from_dict(raw, source)


def days_of_margin(
    on_hand_kg: float, deliveries: list[tuple[float, float]], use_kg_per_day: float
) -> float:
    """Days until a stock first runs out, with deliveries on the way.

    Parameters
    ----------
    on_hand_kg : float
        Stock at day 0. [kg]
    deliveries : list of (day, kg)
        Resupply: when [day] and how much [kg].
    use_kg_per_day : float
        Steady use. [kg/day]

    Returns
    -------
    float
        The first day the stock reaches zero; ``inf`` when nothing is used. [day]

    Examples
    --------
    10 kg on hand, 1 kg/day, 20 kg arriving on day 5: 5 + 5 + 20 = 30 days.

    >>> days_of_margin(10.0, [(5.0, 20.0)], 1.0)
    30.0
    >>> days_of_margin(10.0, [(15.0, 20.0)], 1.0)  # it arrives too late
    10.0
    """
    if use_kg_per_day <= 0.0:
        return math.inf
    stock, now = on_hand_kg, 0.0
    for day, kg in sorted(deliveries):
        if stock - use_kg_per_day * (day - now) < 0.0:
            break
        stock -= use_kg_per_day * (day - now)
        now = day
        stock += kg
    return now + stock / use_kg_per_day


@dataclass(frozen=True)
class BudgetLeak:
    """One leak the budget pays for: a compartment's rate of cabin-air loss.

    Parameters
    ----------
    label : str
        What leaks (a compartment, or "given").
    rate_kg_per_day : float
        Mean leak rate. [kg/day]
    ci95_kg_per_day : tuple of float, optional
        Its 95 % interval. [kg/day]
    note : str
        Anything the reader should know about the figure.
    """

    label: str
    rate_kg_per_day: float
    ci95_kg_per_day: tuple[float, float] | None = None
    note: str = ""


@dataclass(frozen=True)
class GasLine:
    """One gas under one leak case over the period."""

    gas: str
    use_kg_per_day: float
    used_kg: float
    delivered_kg: float
    end_stock_kg: float
    days_of_margin: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "gas": self.gas,
            "use_kg_per_day": self.use_kg_per_day,
            "used_kg": self.used_kg,
            "delivered_kg": self.delivered_kg,
            "end_stock_kg": self.end_stock_kg,
            "days_of_margin": None if math.isinf(self.days_of_margin) else self.days_of_margin,
        }


@dataclass(frozen=True)
class BudgetCase:
    """The budget at one leak rate: current, upper 95 %, or worst case."""

    name: str
    rate_kg_per_day: float
    note: str
    lines: dict[str, GasLine]

    @property
    def days_of_margin(self) -> float:
        """Days until the first gas runs out. [day]"""
        return min(line.days_of_margin for line in self.lines.values())

    @property
    def limiting_gas(self) -> str:
        """The gas that runs out first."""
        return min(self.lines.values(), key=lambda line: line.days_of_margin).gas

    def to_dict(self) -> dict[str, Any]:
        margin = self.days_of_margin
        return {
            "name": self.name,
            "leak_rate_kg_per_day": self.rate_kg_per_day,
            "leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(self.rate_kg_per_day)),
            "note": self.note,
            "days_of_margin": None if math.isinf(margin) else margin,
            "limiting_gas": self.limiting_gas,
            "gases": {g: line.to_dict() for g, line in self.lines.items()},
        }


@dataclass(frozen=True)
class GasBudget:
    """Gas used by leaks over a period, against stores and resupply, at several rates."""

    period_days: float
    leaks: list[BudgetLeak]
    stores: GasStores
    cases: list[BudgetCase]
    assumptions: list[str] = field(default_factory=list)

    def case(self, name: str) -> BudgetCase:
        """The case called ``name`` (``"current"``, ``"upper95"``, ``"worst_case"``)."""
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch gas-budget --json`` object."""
        return {
            "period_days": self.period_days,
            "leaks": [
                {
                    "label": leak.label,
                    "leak_rate_kg_per_day": leak.rate_kg_per_day,
                    "ci95_kg_per_day": None
                    if leak.ci95_kg_per_day is None
                    else list(leak.ci95_kg_per_day),
                    "note": leak.note,
                }
                for leak in self.leaks
            ],
            "stores": self.stores.to_dict(),
            "cases": [case.to_dict() for case in self.cases],
            "placeholders": list(self.stores.placeholders),
            "assumptions": list(self.assumptions),
        }


def _combined(leaks: list[BudgetLeak]) -> tuple[float, float | None]:
    """Total rate and the upper end of its 95 % interval (half-widths in quadrature)."""
    total = sum(leak.rate_kg_per_day for leak in leaks)
    squares = 0.0
    for leak in leaks:
        if leak.ci95_kg_per_day is None:
            return total, None
        squares += (leak.ci95_kg_per_day[1] - leak.rate_kg_per_day) ** 2
    return total, total + math.sqrt(squares)


def gas_budget(
    leaks: list[BudgetLeak],
    stores: GasStores,
    period_days: float = 30.0,
    *,
    worst_case_rate_kg_per_day: float | None = None,
) -> GasBudget:
    """N2 and O2 used by leaks (and the represses that replace them) against stores.

    Parameters
    ----------
    leaks : list of BudgetLeak
        The leaks to pay for; their rates add up (intervals in quadrature).
    stores : GasStores
        From :func:`load_gas_stores`.
    period_days : float
        The period of the budget. [day]
    worst_case_rate_kg_per_day : float, optional
        Overrides the stores file's worst case. [kg/day]

    Returns
    -------
    GasBudget

    Raises
    ------
    InputError
        For no leak, a negative rate or a period that is not positive.

    Examples
    --------
    >>> stores = load_gas_stores()
    >>> budget = gas_budget([BudgetLeak("PrK", 0.4536)], stores, 30.0)
    >>> round(budget.case("current").lines["N2"].used_kg, 2)
    10.25
    """
    if not leaks:
        raise InputError("give at least one leak rate", field="--rate-lb-per-day")
    if not (math.isfinite(period_days) and period_days > 0):
        raise InputError(f"the period must be positive, not {period_days!r}", field="--days")
    for leak in leaks:
        if not (math.isfinite(leak.rate_kg_per_day) and leak.rate_kg_per_day >= 0):
            raise InputError(
                f"leak rate of {leak.label} must be >= 0, not {leak.rate_kg_per_day!r}",
                field="--rate-lb-per-day",
            )
    worst = (
        worst_case_rate_kg_per_day
        if worst_case_rate_kg_per_day is not None
        else stores.worst_case_rate_kg_per_day
    )
    if worst is not None and not (math.isfinite(worst) and worst > 0):
        raise InputError("the worst-case rate must be positive", field="--worst-lb-per-day")
    total, upper = _combined(leaks)
    rates = [("current", total, "the fitted or given leak rate")]
    if upper is not None:
        rates.append(("upper95", upper, "upper end of the rate's 95 % interval"))
    if worst is not None:
        note = (
            "given worst case"
            if worst_case_rate_kg_per_day is not None
            else stores.worst_case_note or "worst case from the stores file"
        )
        rates.append(("worst_case", worst, note))
    per_flight = stores.delivery_per_flight_kg()
    cases = []
    for name, rate, note in rates:
        lines = {}
        for gas in GASES:
            use = rate * stores.cabin_mass_fractions[gas]
            deliveries = [(day, per_flight[gas]) for day in stores.flight_days]
            delivered = float(sum(kg for day, kg in deliveries if day <= period_days))
            used = use * period_days
            lines[gas] = GasLine(
                gas=gas,
                use_kg_per_day=use,
                used_kg=used,
                delivered_kg=delivered,
                end_stock_kg=stores.on_hand_kg[gas] + delivered - used,
                days_of_margin=days_of_margin(stores.on_hand_kg[gas], deliveries, use),
            )
        cases.append(BudgetCase(name, rate, note, lines))
    assumptions = [
        "every kilogram that leaks is put back by a repress (steady state)",
        "leaked gas is split into N2 and O2 by the cabin's mass fractions; CO2 is not "
        "replaced from stores; metabolic O2 (from the oxygen generator) is not counted",
    ]
    if upper is None:
        assumptions.append("no interval for the leak rate: no upper-95 % case")
    if stores.placeholders:
        assumptions.append(
            "PLACEHOLDER figures in the stores file (no public figure): "
            + ", ".join(stores.placeholders)
            + "; the margins are illustrative until they are replaced"
        )
    return GasBudget(period_days, list(leaks), stores, cases, assumptions)


def budget_leaks_from_telemetry(
    telemetry: Telemetry, habitat: Habitat, module: str | None = None
) -> list[BudgetLeak]:
    """The leak of ``module``'s compartment, or of every compartment, from telemetry.

    Parameters
    ----------
    telemetry : Telemetry
        The data.
    habitat : Habitat
        The habitat.
    module : str, optional
        One module's compartment; the whole station (every compartment of the last
        hatch configuration, each fitted once) by default.

    Returns
    -------
    list of BudgetLeak

    Raises
    ------
    AnalysisError
        When a compartment has no leak estimate.
    """
    modules = [module] if module is not None else [m.name for m in habitat.modules]
    covered: set[str] = set()
    out = []
    for name in modules:
        if name in covered:
            continue
        last = leak_rate(telemetry, habitat, name).last
        covered.update(last.compartment)
        if last.leak_rate_kg_per_day is None:
            raise AnalysisError(f"no leak rate for {name}'s compartment: {last.reason}")
        fitted = last.leak_rate_kg_per_day
        out.append(
            BudgetLeak(
                ", ".join(last.compartment)
                if len(last.compartment) <= 3
                else f"{last.compartment[0]} and {len(last.compartment) - 1} more",
                max(0.0, fitted),
                last.ci95_kg_per_day,
                f"fitted {fitted:.3g} kg/day, below zero: taken as 0" if fitted < 0 else "",
            )
        )
    return out
