"""Gas budget: hand calculations of use, stock and margin; the stores file and its errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from hullwatch.analysis.gas_budget import (
    BudgetLeak,
    days_of_margin,
    gas_budget,
    gas_stores_from_dict,
    load_gas_stores,
)
from hullwatch.errors import InputError
from hullwatch.physics.gas import MOLAR_MASS_KG_PER_MOL
from hullwatch.units import lb_per_day_to_kg_per_day

M_N2, M_O2, M_CO2 = (MOLAR_MASS_KG_PER_MOL[s] for s in ("N2", "O2", "CO2"))


def _doc(**changes: object) -> dict:
    doc: dict = {
        "cabin": {"pressure_mmHg": 760.0, "ppO2_mmHg": 160.0, "ppCO2_mmHg": 0.0},
        "air": {"o2_mole_fraction": 0.21},
        "stores": {
            "N2": {"on_hand_kg": 20.0, "per_flight_kg": 40.0},
            "O2": {"on_hand_kg": 10.0, "per_flight_kg": 50.0},
        },
        "resupply": [{"day": 30.0}],
        "worst_case": {"rate_lb_per_day": 3.7},
    }
    doc.update(changes)
    return doc


def test_margin_arithmetic_by_hand() -> None:
    # Runs out before the flight: 10 kg at 0.5 kg/day -> 20 days.
    assert days_of_margin(10.0, [(30.0, 40.0)], 0.5) == pytest.approx(20.0)
    # Flight in time: 20 kg at 0.5 -> 10 kg left at day 20, +40 = 50 -> 20 + 100 = 120 days.
    assert days_of_margin(20.0, [(20.0, 40.0)], 0.5) == pytest.approx(120.0)
    # Two flights, unsorted input: 6 -> 1 (+10) at day 10 -> 6 (+10) at day 20 -> 16 / 0.5.
    assert days_of_margin(6.0, [(20.0, 10.0), (10.0, 10.0)], 0.5) == pytest.approx(52.0)
    # Nothing used: never runs out.
    assert math.isinf(days_of_margin(1.0, [], 0.0))


def test_budget_by_hand() -> None:
    """1 kg/day of a 160/600 mmHg N2/O2 cabin for 60 days against 20/10 kg and one flight."""
    stores = gas_stores_from_dict(_doc())
    budget = gas_budget([BudgetLeak("PrK", 1.0, (0.8, 1.2))], stores, 60.0)
    w_o2 = 160 * M_O2 / (160 * M_O2 + 600 * M_N2)
    w_n2 = 1 - w_o2
    current = budget.case("current")
    n2, o2 = current.lines["N2"], current.lines["O2"]
    assert n2.use_kg_per_day == pytest.approx(w_n2)
    assert o2.use_kg_per_day == pytest.approx(w_o2)
    assert n2.used_kg == pytest.approx(60 * w_n2)
    assert n2.delivered_kg == pytest.approx(40.0)
    assert n2.end_stock_kg == pytest.approx(20 + 40 - 60 * w_n2)
    # N2: 20 kg at w_n2 kg/day runs out at 20 / w_n2 = 25.6 days, before the flight at 30.
    assert n2.days_of_margin == pytest.approx(20 / w_n2)
    # O2: 10 - 30 w_o2 = 2.9 kg left at day 30, +50, then (52.9) / w_o2 more days.
    assert o2.days_of_margin == pytest.approx(30 + (10 - 30 * w_o2 + 50) / w_o2)
    assert current.limiting_gas == "N2"
    assert current.days_of_margin == pytest.approx(20 / w_n2)
    # Upper 95 %: 1.2 kg/day; worst case 3.7 lb/day.
    assert budget.case("upper95").lines["N2"].days_of_margin == pytest.approx(20 / (1.2 * w_n2))
    worst = budget.case("worst_case")
    assert worst.rate_kg_per_day == pytest.approx(lb_per_day_to_kg_per_day(3.7))
    assert worst.days_of_margin == pytest.approx(20 / (worst.rate_kg_per_day * w_n2))


def test_two_leaks_add_and_their_intervals_add_in_quadrature() -> None:
    stores = gas_stores_from_dict(_doc())
    leaks = [BudgetLeak("a", 0.3, (0.2, 0.33)), BudgetLeak("b", 0.5, (0.46, 0.54))]
    budget = gas_budget(leaks, stores, 10.0, worst_case_rate_kg_per_day=2.0)
    assert budget.case("current").rate_kg_per_day == pytest.approx(0.8)
    assert budget.case("upper95").rate_kg_per_day == pytest.approx(0.8 + math.hypot(0.03, 0.04))
    assert budget.case("worst_case").rate_kg_per_day == 2.0
    # A leak without an interval: no upper-95 % case, and the output says so.
    plain = gas_budget([BudgetLeak("given", 0.3)], stores, 10.0)
    assert [c.name for c in plain.cases] == ["current", "worst_case"]
    assert any("no upper" in a for a in plain.assumptions)


def test_air_delivery_splits_into_n2_and_o2() -> None:
    doc = _doc()
    doc["stores"]["N2"]["delivered_as"] = "air"
    stores = gas_stores_from_dict(doc)
    w_o2 = 0.21 * M_O2 / (0.21 * M_O2 + 0.79 * M_N2)
    per_flight = stores.delivery_per_flight_kg()
    assert per_flight["N2"] == pytest.approx(40 * (1 - w_o2))
    assert per_flight["O2"] == pytest.approx(50 + 40 * w_o2)
    assert w_o2 == pytest.approx(0.233, abs=5e-4)  # the simulator's tank air (setup.py)


def test_cabin_mass_fractions_from_the_default_file() -> None:
    """755 / 165 / 2.5 mmHg: N2 75.3 %, O2 24.2 %, CO2 0.5 % by mass."""
    stores = load_gas_stores()
    x = {"N2": (755 - 165 - 2.5) / 755, "O2": 165 / 755, "CO2": 2.5 / 755}
    total = x["N2"] * M_N2 + x["O2"] * M_O2 + x["CO2"] * M_CO2
    for gas, molar in (("N2", M_N2), ("O2", M_O2), ("CO2", M_CO2)):
        assert stores.cabin_mass_fractions[gas] == pytest.approx(x[gas] * molar / total)
    # iss-facts.md figures, and placeholders where it says NOT FOUND.
    assert stores.per_flight_range_kg["N2"] == (40.0, 50.0)
    assert stores.per_flight_range_kg["O2"] == (47.0, 50.0)
    assert stores.worst_case_rate_kg_per_day == pytest.approx(lb_per_day_to_kg_per_day(3.7))
    assert set(stores.placeholders) == {
        "stores.N2.on_hand_kg",
        "stores.O2.on_hand_kg",
        "resupply[0].day",
    }
    budget = gas_budget([BudgetLeak("PrK", 0.45)], stores)
    assert any("PLACEHOLDER" in a for a in budget.assumptions)


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (_doc(stores={"N2": {"on_hand_kg": -1.0, "per_flight_kg": 40.0},
                      "O2": {"on_hand_kg": 1.0, "per_flight_kg": 1.0}}),
         "stores.N2.on_hand_kg"),
        (_doc(stores={"N2": {"on_hand_kg": 1.0, "per_flight_kg": 40.0}}), "stores"),
        (_doc(stores={"N2": {"on_hand_kg": 1.0, "per_flight_kg": 4.0, "colour": "red"},
                      "O2": {"on_hand_kg": 1.0, "per_flight_kg": 1.0}}),
         "stores.N2.colour"),
        (_doc(resupply=[{"day": -3.0}]), "resupply.0.day"),
        (_doc(cabin={"pressure_mmHg": 100.0, "ppO2_mmHg": 160.0, "ppCO2_mmHg": 0.0}), "cabin"),
    ],
)  # fmt: skip
def test_bad_stores_name_the_field(doc: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        gas_stores_from_dict(doc, "my.toml")
    assert info.value.field == field
    assert str(info.value).startswith(f"my.toml: {field}: ")


def test_bad_files_and_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such stores file"):
        load_gas_stores(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[stores.N2\non_hand_kg = 1\n")
    with pytest.raises(InputError, match="TOML syntax"):
        load_gas_stores(bad)
    stores = load_gas_stores()
    with pytest.raises(InputError, match="period"):
        gas_budget([BudgetLeak("a", 0.1)], stores, 0.0)
    with pytest.raises(InputError, match=">= 0"):
        gas_budget([BudgetLeak("a", -0.1)], stores, 10.0)
    with pytest.raises(InputError, match="at least one"):
        gas_budget([], stores, 10.0)
