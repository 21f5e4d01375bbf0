"""Scenario files: validation names the entry; durations; habitat lookups."""

from __future__ import annotations

import pytest

from hullwatch.errors import InputError
from hullwatch.simulate import load_scenario, scenario_from_dict, simulate
from hullwatch.simulate.setup import build_setup
from hullwatch.simulate.timeparse import parse_duration_s


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"leaks": [{"module": "Nowhere", "rate_kg_per_day": 1.0}]}, "leaks[0].module"),
        ({"hatch_events": [{"time": "1d", "hatch": "A-B", "state": "closed"}]}, "hatch_events[0]"),
        (
            {"pressure_holds": [{"module": "PrK", "low_mmHg": 700, "high_mmHg": 690}]},
            "pressure_holds.0",
        ),
        ({"leaks": [{"module": "PrK"}]}, "leaks[0]"),
        ({"leaks": [{"module": "PrK", "rate_kg_per_day": 1, "rate_lb_per_day": 2}]}, "leaks.0"),
        ({"simulation": {"duration": "ten days"}}, "simulation.duration"),
        ({"simulation": {"colour": "red"}}, "simulation.colour"),
        ({"leaks": [{"module": "PrK", "model": "wormhole", "rate_kg_per_day": 1}]}, "leaks[0]"),
    ],
)
def test_bad_scenarios_name_the_entry(doc, field) -> None:
    with pytest.raises(InputError) as info:
        build_setup(scenario_from_dict(doc))
    assert field in str(info.value)


def test_scenario_file_errors_name_the_file(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[simulation\nseed = 1\n")
    with pytest.raises(InputError, match=r"bad\.toml"):
        load_scenario(path)
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")


def test_compound_durations() -> None:
    assert parse_duration_s("7d2h") == 7 * 86400 + 7200
    assert parse_duration_s(90) == 90.0


def test_same_seed_same_run() -> None:
    doc = {"simulation": {"duration": "2h", "seed": 4}}
    a = simulate(scenario_from_dict(doc)).telemetry
    b = simulate(scenario_from_dict(doc)).telemetry
    assert a.equals(b)
    c = simulate(scenario_from_dict({"simulation": {"duration": "2h", "seed": 5}})).telemetry
    assert not a.equals(c)


def test_habitat_path_is_relative_to_the_scenario(tmp_path) -> None:
    (tmp_path / "hab.toml").write_text('name = "one"\n[[modules]]\nname = "Box"\nvolume_m3 = 2.0\n')
    (tmp_path / "s.toml").write_text(
        '[simulation]\nduration = "1h"\nhabitat = "hab.toml"\n[crew]\ncount = 0\n'
        "co2_removal_modules = []\n"
    )
    result = simulate(load_scenario(tmp_path / "s.toml"))
    assert result.habitat.module_names == ("Box",)
