"""Risk tables: the default maps values to levels; malformed tables are refused by name."""

from __future__ import annotations

import json

import pytest

from hullwatch.errors import InputError
from hullwatch.risk.matrix import DEFAULT_DISCLAIMER, load_risk_table


def test_default_table_is_labelled_not_nasa() -> None:
    table = load_risk_table()
    assert table.is_default
    assert "not NASA" in table.name
    payload = table.to_dict()
    assert payload["disclaimer"] == DEFAULT_DISCLAIMER
    assert "NOT the NASA" in DEFAULT_DISCLAIMER
    json.dumps(payload, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "level"),
    [(0.0, 1), (0.0499, 1), (0.05, 2), (0.2, 3), (0.5, 4), (0.79, 4), (0.8, 5), (1.0, 5)],
)
def test_likelihood_levels_are_half_open_ranges(value: float, level: int) -> None:
    assert load_risk_table().likelihood.level(value) == level


@pytest.mark.parametrize(
    ("metric", "value", "level"),
    [
        ("reserve_time_days", 0.5, 5),
        ("reserve_time_days", 1.0, 4),
        ("reserve_time_days", 14.0, 3),  # Soyuz MS-09's "14 days" is level 3
        ("reserve_time_days", 179.0, 2),
        ("reserve_time_days", 1e6, 1),
        ("gas_loss_kg_per_30d", 1.0, 1),
        ("gas_loss_kg_per_30d", 27.2, 4),  # the whole station's 2 lb/day allowance
        ("gas_loss_kg_per_30d", 45.0, 5),  # a Progress load a month
    ],
)
def test_consequence_levels(metric: str, value: float, level: int) -> None:
    assert load_risk_table().consequence[metric].level(value) == level


def test_zone_lookup_rows_run_from_likelihood_5() -> None:
    table = load_risk_table()
    assert table.zone(5, 5)[0] == "high"
    assert table.zone(1, 1)[0] == "low"


def test_a_programme_table_loads_and_is_not_default(write_table) -> None:
    path = write_table('name = "hullwatch default (not NASA\'s)"', 'name = "programme X"')
    table = load_risk_table(path)
    assert table.name == "programme X" and not table.is_default
    assert "disclaimer" not in table.to_dict()


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        (  # a gap between levels 2 and 3
            "{ level = 2, min = 0.05, max = 0.20,",
            "{ level = 2, min = 0.05, max = 0.19,",
            "likelihood.levels",
            "gap between level 2",
        ),
        (  # an overlap
            "{ level = 2, min = 0.05, max = 0.20,",
            "{ level = 2, min = 0.05, max = 0.25,",
            "likelihood.levels",
            "overlap",
        ),
        (  # the domain not covered from 0
            "{ level = 1, min = 0.00,",
            "{ level = 1, min = 0.01,",
            "likelihood.levels",
            "gap: nothing covers 0",
        ),
        (  # a missing level (4 written as 3 twice)
            "{ level = 4, min = 0.50,",
            "{ level = 3, min = 0.50,",
            "likelihood.levels",
            "missing level(s) 4",
        ),
        (  # levels out of order along the probability
            '{ level = 2, min = 0.05, max = 0.20, label = "unlikely (5-20 %)" },\n'
            "    { level = 3, min = 0.20,",
            '{ level = 3, min = 0.05, max = 0.20, label = "unlikely (5-20 %)" },\n'
            "    { level = 2, min = 0.20,",
            "likelihood.levels",
            "monotonically",
        ),
        (  # reserve time: the level must fall as reserve time grows
            "{ level = 5, min = 0.0, max = 1.0,",
            "{ level = 1, min = 0.0, max = 1.0,",
            "consequence.reserve_time_days.levels",
            "level",
        ),
        (  # an open top on a bounded probability scale still must reach 1
            "{ level = 5, min = 0.80, max = 1.00,",
            "{ level = 5, min = 0.80, max = 0.90,",
            "likelihood.levels",
            "gap: nothing covers 0.9 to 1",
        ),
        ('"GGGYY",', '"GGGYQ",', "zoning.grid", "zone letter(s) Q"),
        (
            "[consequence.gas_loss_kg_per_30d]",
            "[consequence.gas_per_fortnight]",
            "consequence.gas_per_fortnight",
            "unknown",
        ),
    ],
)
def test_malformed_tables_name_file_and_field(write_table, old, new, field, words) -> None:
    path = write_table(old, new)
    with pytest.raises(InputError) as info:
        load_risk_table(path)
    message = str(info.value)
    assert str(path) in message and field in message and words in message


def test_missing_file_and_bad_toml(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read risk table"):
        load_risk_table(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[likelihood\n", "utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_risk_table(bad)
