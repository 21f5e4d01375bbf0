"""The public API: what ``hullwatch.api`` exports exists, and the README tour runs."""

from __future__ import annotations

import hullwatch.api as hw


def test_every_exported_name_exists_once() -> None:
    assert all(hasattr(hw, name) for name in hw.__all__)
    assert len(set(hw.__all__)) == len(hw.__all__)  # ruff (RUF022) keeps the order


def test_readme_tour_runs() -> None:
    iss = hw.load_habitat()
    assert iss.compartments(set(iss.hatch_names) - {"Zvezda-PrK"})[-1] == ("PrK", "Progress")
    hole = hw.leak_model("orifice", area_m2=3.14e-6, discharge_coefficient=1.0)
    assert 16.5 < hole.time_constant_s(916.0, 295.0) / 86400 < 17.5
