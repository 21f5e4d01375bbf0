"""``hullwatch forecast`` and ``hullwatch reserve-time`` from the command line."""

from __future__ import annotations

import json

import pytest
from tests.analysis.conftest import prk_run

from hullwatch.cli.app import main


@pytest.fixture(scope="module")
def prk_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prk_forecast")
    from hullwatch.telemetry import write_telemetry

    write_telemetry(prk_run(11).telemetry, folder / "t.csv")
    return folder / "t.csv"


def test_forecast_json_is_one_object_with_the_contract(prk_csv, capsys) -> None:
    args = ["forecast", str(prk_csv), "--module", "PrK", "--threshold-mmhg", "500"]
    assert main([*args, "--horizon", "3d", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    d = json.loads(out)
    assert d["module"] == "PrK" and d["compartment"] == ["PrK"]
    assert d["threshold_mmHg"] == pytest.approx(500.0)
    lo, hi = d["ci95_h"]
    assert lo < d["time_to_threshold_h"] < hi
    point = d["trajectory"][0]
    assert set(point) == {"time", "pressure_mmHg", "lo95", "hi95"} and point["time"].endswith("Z")
    assert d["horizon_h"] == 72.0
    assert d["trajectory"][-1]["pressure_mmHg"] < point["pressure_mmHg"]


def test_forecast_text_and_plot(prk_csv, tmp_path, capsys) -> None:
    plot = tmp_path / "forecast.png"
    args = ["forecast", str(prk_csv), "--module", "PrK", "--threshold-mmhg", "500"]
    assert main([*args, "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "500 mmHg in" in text and "95% interval" in text and "flow exponent" in text
    assert plot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--threshold-mmhg", "900"], "not below the current pressure"),
        (["--horizon", "soon"], "cannot read duration"),
        (["--module", "Skylab"], "no module 'Skylab'"),
    ],
)
def test_forecast_bad_requests_exit_2(prk_csv, capsys, args, needle) -> None:
    base = ["forecast", str(prk_csv), "--module", "PrK"]
    assert main([*base, *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_reserve_time_what_if_json_matches_the_published_check(capsys) -> None:
    # iss-facts.md: a 0.6 cm hole in 916 m^3, choked, Cd = 1: about 17 h to 520 mmHg.
    args = ["reserve-time", "--hole-diameter-mm", "6", "--volume-m3", "916", "--cd", "1"]
    assert main([*args, "--json"]) == 0
    out = capsys.readouterr().out
    d = json.loads(out)
    assert out.count("\n") == 1
    assert d["mode"] == "what_if" and d["floor_mmHg"] == pytest.approx(520.0)
    assert d["reserve_time_h"] == pytest.approx(17.0, abs=0.5)
    assert d["hole"]["diameter_mm"] == pytest.approx(6.0)


def test_reserve_time_defaults_to_the_habitat_volume_and_prints_text(capsys) -> None:
    assert main(["reserve-time", "--rate-lb-per-day", "2"]) == 0
    text = capsys.readouterr().out
    assert "Reserve time" in text and "989.8 m³" in text and "whole pressurized volume" in text


def test_reserve_time_live_from_telemetry(prk_csv, capsys) -> None:
    args = ["reserve-time", str(prk_csv), "--module", "PrK", "--json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["mode"] == "live" and d["compartment"] == ["PrK"]
    assert d["ci95_h"][0] < d["reserve_time_h"] < d["ci95_h"][1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--hole-diameter-mm", "2", "--hole-area-mm2", "3"], "exactly one"),
        (["--rate-kg-per-day", "1", "--rate-lb-per-day", "2"], "exactly one"),
        (["--hole-diameter-mm", "2", "--floor-mmhg", "780"], "not above the floor"),
        (["--hole-diameter-mm", "2", "--pressure-mmhg", "500"], "not above the floor"),
        (["--hole-diameter-mm", "2", "--cd", "1.5"], "(0, 1]"),
        (["--hole-diameter-mm", "2", "--model", "viscous_crack"], "goes with a rate"),
        (["--rate-kg-per-day", "1", "--model", "wormhole"], "unknown leak model"),
        ([], "exactly one"),
        (["--module", "PrK"], "need TELEMETRY"),
    ],
)
def test_reserve_time_contradictions_exit_2(capsys, args, needle) -> None:
    assert main(["reserve-time", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_reserve_time_live_with_a_what_if_option_exits_2(prk_csv, capsys) -> None:
    args = ["reserve-time", str(prk_csv), "--module", "PrK", "--hole-diameter-mm", "2"]
    assert main(args) == 2
    assert "belong to a what-if" in capsys.readouterr().err
