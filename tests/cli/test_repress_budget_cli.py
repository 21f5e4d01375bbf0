"""`hullwatch plan-repress` and `gas-budget` on the command line: JSON, text, plots, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.analysis.conftest import prk_run

from hullwatch.cli.app import main

GIVEN = ["--module", "PrK", "--rate-lb-per-day", "1", "--flow-exponent", "2"]


@pytest.fixture(scope="module")
def prk_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PrK isolated with a 1 lb/day hole for four days."""
    from hullwatch.telemetry import write_telemetry

    folder = tmp_path_factory.mktemp("prk")
    write_telemetry(prk_run(6).telemetry, folder / "t.csv")
    return folder / "t.csv"


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_plan_repress_given_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan-repress", *GIVEN, "--band", "660", "675", "--source", "station", "--json"]
    assert main(argv) == 0
    d = _json(capsys)
    assert d["compartment"] == ["PrK"] and d["source"] == "station"
    band = d["band"]
    assert band["low_mmHg"] == pytest.approx(660) and band["high_mmHg"] == pytest.approx(675)
    assert band["gas_per_month_kg"] == pytest.approx(30 * band["mean_leak_rate_kg_per_day"])
    assert band["station_drop_per_repress_mmHg"] > 0
    assert d["station_volume_m3"] > 900  # the ISS less the PrK
    assert [b["requested"] for b in d["comparison"]].count(True) == 1


def test_plan_repress_from_telemetry_text_and_plot(
    prk_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "repress.png"
    argv = ["plan-repress", str(prk_csv), "--module", "PrK", "--band", "660", "675"]
    assert main([*argv, "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "Leak (telemetry)" in text and "kg per month" in text and "holding lower" in text
    assert plot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--band", "675", "660"], "impossible band"),
        (["--band", "500", "560"], "floor"),
        (["--band", "700", "755"], "above the station pressure"),
        (["--band", "660", "675", "--source", "bottle"], "unknown source"),
        (["--band", "660", "675", "--flow-exponent", "0"], "flow exponent"),
    ],
)
def test_plan_repress_bad_input_exits_2(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["plan-repress", "--module", "PrK", "--rate-lb-per-day", "1"]
    if "--flow-exponent" not in extra:
        argv += ["--flow-exponent", "1"]
    assert main([*argv, *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_plan_repress_needs_a_leak(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan-repress", "--module", "PrK", "--band", "660", "675"]) == 2
    assert "TELEMETRY" in capsys.readouterr().err
    argv = ["plan-repress", "--module", "PrK", "--band", "660", "675", "--rate-lb-per-day", "1"]
    assert main(argv) == 2
    assert "--flow-exponent" in capsys.readouterr().err


def test_gas_budget_given_json_text_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gas-budget", "--rate-lb-per-day", "1", "--days", "60", "--json"]) == 0
    d = _json(capsys)
    assert d["period_days"] == 60
    assert [c["name"] for c in d["cases"]] == ["current", "worst_case"]
    assert d["cases"][1]["leak_rate_lb_per_day"] == pytest.approx(3.7)
    assert "stores.N2.on_hand_kg" in d["placeholders"]
    plot = tmp_path / "budget.png"
    assert main(["gas-budget", "--rate-lb-per-day", "1", "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "PLACEHOLDER" in text and "margin" in text
    assert plot.stat().st_size > 10_000


def test_gas_budget_from_telemetry_module_and_whole_station(
    prk_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gas-budget", str(prk_csv), "--module", "PrK", "--json"]) == 0
    d = _json(capsys)
    assert [leak["label"] for leak in d["leaks"]] == ["PrK"]
    assert [c["name"] for c in d["cases"]] == ["current", "upper95", "worst_case"]
    prk = d["cases"][0]["leak_rate_kg_per_day"]
    assert main(["gas-budget", str(prk_csv), "--json"]) == 0
    whole = _json(capsys)
    # Every compartment of the last hatch configuration, each fitted once.
    assert len(whole["leaks"]) == 3
    assert whole["cases"][0]["leak_rate_kg_per_day"] >= prk


def test_gas_budget_bad_stores_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["gas-budget", "--rate-lb-per-day", "1", "--stores"]
    assert main([*argv, str(tmp_path / "missing.toml")]) == 2
    assert "no such stores file" in capsys.readouterr().err
    text = Path(__file__).parents[2] / "src/hullwatch/data/gas_stores.toml"
    negative = tmp_path / "negative.toml"
    negative.write_text(text.read_text().replace("on_hand_kg = 45.0", "on_hand_kg = -5.0"))
    assert main([*argv, str(negative)]) == 2
    err = capsys.readouterr().err
    assert "stores.N2.on_hand_kg" in err and "greater than or equal to 0" in err
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("[stores.N2]\non_hand_kg = \n")
    assert main([*argv, str(malformed)]) == 2
    assert "TOML syntax" in capsys.readouterr().err
    misnamed = tmp_path / "misnamed.toml"
    misnamed.write_text(text.read_text().replace("per_flight_kg = 48.5", "per_flight = 48.5"))
    assert main([*argv, str(misnamed)]) == 2
    err = capsys.readouterr().err
    assert "stores.O2.per_flight" in err and "Traceback" not in err
    assert main(["gas-budget", "--rate-lb-per-day", "1", "--days", "-3"]) == 2
    assert "period" in capsys.readouterr().err
