"""The simulate and demo commands: files, JSON, and errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hullwatch.cli.app import main
from hullwatch.habitat import load_habitat
from hullwatch.telemetry import read_telemetry

SCENARIO = """
[simulation]
duration = "6h"
seed = 3
[[hatch_events]]
time = "1h"
hatch = "Zvezda-PrK"
state = "closed"
[[leaks]]
module = "PrK"
rate_lb_per_day = 2.0
onset = "2h"
"""


def test_simulate_writes_readable_telemetry_habitat_and_truth(tmp_path, capsys) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    status = main(["simulate", str(scenario), "--out", str(tmp_path / "run"), "--json"])
    assert status == 0
    paths = json.loads(capsys.readouterr().out)
    habitat = load_habitat(paths["habitat"])
    assert habitat.module("PrK").volume_m3 == 5.0
    telemetry = read_telemetry(paths["telemetry"], habitat)
    assert "SIM_PRK_P" in telemetry.channels()
    assert telemetry.skipped_rows == 0 and not telemetry.unknown_channels
    truth = json.loads((tmp_path / "run" / "truth.json").read_text())
    assert truth["leaks"][0]["module"] == "PrK"
    assert truth["leaks"][0]["onset"] == "2026-04-25T02:00:00.000Z"
    assert truth["hatch_events"] == [
        {"time": "2026-04-25T01:00:00.000Z", "hatch": "Zvezda-PrK", "state": "closed"}
    ]


def test_simulate_parquet_matches_csv(tmp_path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    assert main(["simulate", str(scenario), "--out", str(tmp_path / "a")]) == 0
    assert (
        main(["simulate", str(scenario), "--out", str(tmp_path / "b"), "--format", "parquet"]) == 0
    )
    habitat = load_habitat(tmp_path / "a" / "habitat.toml")
    csv = read_telemetry(tmp_path / "a" / "telemetry.csv", habitat).samples
    parquet = read_telemetry(tmp_path / "b" / "telemetry.parquet", habitat).samples
    assert len(csv) == len(parquet)
    assert (csv.value - parquet.value).abs().max() < 1e-9 * csv.value.abs().max()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[[leaks]]\nmodule = "Atlantis"\nrate_kg_per_day = 1.0\n', "leaks[0].module"),
        ("[simulation\n", "TOML syntax"),
        ('[simulation]\nduration = "forever"\n', "simulation.duration"),
    ],
)
def test_simulate_bad_scenario_exits_2_without_traceback(tmp_path, capsys, text, needle) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text)
    assert main(["simulate", str(scenario), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_demo_tells_the_prk_story(tmp_path, capsys) -> None:
    assert main(["demo", "--out", str(tmp_path / "demo"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    leak = report["truth"]["leaks"][0]
    assert leak["module"] == "PrK" and leak["model"] == "viscous_crack"
    # Sized at 1 lb/day at 760 mmHg; a crack slows as the tunnel is held lower.
    assert 0.3 < leak["mean_rate_lb_per_day"] < 1.0
    assert report["truth"]["repress_count"] >= 3
    states = [(e["hatch"], e["state"]) for e in report["truth"]["hatch_events"]]
    assert ("Zvezda-PrK", "open") in states and ("Zvezda-PrK", "closed") in states
    assert (tmp_path / "demo" / "telemetry.csv").stat().st_size > 0
    # The causal detector finds the returning leak, after its true onset and soon.
    alarms = [a for a in report["detect"]["alarms"] if a["kind"] == "leak_onset"]
    assert [a["compartment"] for a in alarms] == [["PrK"]]
    onset = np.datetime64(leak["onset"].rstrip("Z"))
    delay_h = (np.datetime64(alarms[0]["time"].rstrip("Z")) - onset) / np.timedelta64(1, "h")
    assert 0 < delay_h <= 6
    # Located from the detected onset on, the leak is in the PrK.
    assert report["locate"]["most_likely"] == "PrK"
    assert report["locate"]["posterior"]["PrK"] >= 0.95
    assert report["locate"]["model_check"]["p_value"] > 1e-3
    # Had it returned with every hatch open, the planner's closures find it.
    campaign = report["campaign"]
    assert campaign["strategy"] == "planner" and campaign["module"] == "PrK"
    assert campaign["found"] and campaign["steps"][-1]["p_true_module"] >= 0.95
    assert campaign["configurations"] <= 5
    # What next and how bad, each with its picture; and the one-file report.
    outlook = report["outlook"]
    forecast = outlook["forecast"]
    assert forecast["module"] == "PrK" and forecast["time_to_threshold_h"] > 0
    lo, hi = forecast["ci95_h"]
    assert lo <= forecast["time_to_threshold_h"] <= hi
    band = outlook["repress_plan"]["band"]
    assert (band["low_mmHg"], band["high_mmHg"]) == (660.0, 675.0)
    # The plan's gas per month is what the story's held PrK needs: the leak it fitted.
    assert band["gas_per_month_kg"] == pytest.approx(
        band["mean_leak_rate_kg_per_day"] * 30.0, rel=0.01
    )
    assert outlook["gas_budget"]["cases"][0]["days_of_margin"] > 0
    score = outlook["risk"]["score"]
    assert score["cell"] == f"{score['likelihood']}x{score['consequence']}"
    for picture in outlook["pictures"].values():
        assert Path(picture).stat().st_size > 10_000
    html = (tmp_path / "demo" / "report.html").read_text()
    assert "Summary" in html and "http://" not in html and "https://" not in html
