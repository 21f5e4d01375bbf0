"""``hullwatch risk`` and ``history`` from the command line: JSON, store, plots, errors."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from tests.analysis.conftest import prk_run

from hullwatch.cli.app import main


@pytest.fixture(scope="module")
def prk_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prk_risk")
    from hullwatch.telemetry import write_telemetry

    write_telemetry(prk_run(6).telemetry, folder / "t.csv")
    return folder / "t.csv"


@pytest.fixture
def store(tmp_path, monkeypatch):
    # Never touch ~/.hullwatch from a test.
    monkeypatch.setenv("HULLWATCH_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "risk.duckdb"


def _json(capsys) -> dict:
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_what_if_json_has_every_input(store, capsys) -> None:
    args = ["risk", "--rate", "3.7", "--store", str(store), "--json", "--horizon", "120d"]
    assert main(args) == 0
    payload = _json(capsys)
    assert payload["score"]["cell"] == (
        f"{payload['likelihood']['level']}x{payload['consequence']['level']}"
    )
    lk = payload["likelihood"]
    assert lk["threshold_lb_per_day"] == pytest.approx(2.0)
    assert lk["horizon_days"] == pytest.approx(120.0)
    assert lk["current_rate"]["leak_rate_lb_per_day"] == pytest.approx(3.7)
    for key in ("probability", "trend", "steps", "probability_now"):
        assert key in lk
    assert payload["consequence"]["metrics"]["reserve_time_days"] > 0
    assert payload["table"]["is_default"] and "NOT the NASA" in payload["table"]["disclaimer"]
    assert payload["store"]["stored"] and payload["store"]["path"] == str(store)


def test_store_trail_history_and_plots(store, tmp_path, capsys) -> None:
    for rate, at in (("0.5", "2024-01-01T00:00:00Z"), ("3.7", "2024-04-15T00:00:00Z")):
        assert main(["risk", "--rate", rate, "--at", at, "--store", str(store), "--json"]) == 0
        capsys.readouterr()
    png, svg = tmp_path / "m.png", tmp_path / "m.svg"
    args = ["risk", "--rate", "2.4", "--at", "2024-09-15T00:00:00Z", "--store", str(store)]
    assert main([*args, "--history", "--plot", str(png)]) == 0
    text = capsys.readouterr().out
    assert "Risk history of PrK" in text and "NOT the NASA" in text
    assert png.stat().st_size > 10_000
    assert main(["risk", "--history", "--store", str(store), "--json"]) == 0
    trail = _json(capsys)["risk_history"]
    assert [r["assessed_at"][:10] for r in trail] == ["2024-01-01", "2024-04-15", "2024-09-15"]
    assert trail[0]["cell"].startswith("1x")
    assert main([*args, "--no-store", "--plot", str(svg)]) == 0
    capsys.readouterr()
    assert svg.read_text("utf-8").startswith("<?xml")
    assert main(["risk", "--history", "--store", str(store), "--json"]) == 0
    assert len(_json(capsys)["risk_history"]) == 3  # --no-store kept nothing


def test_risk_from_telemetry(prk_csv, store, capsys) -> None:
    assert main(["risk", str(prk_csv), "--module", "PrK", "--store", str(store), "--json"]) == 0
    current = _json(capsys)["likelihood"]["current_rate"]
    assert current["origin"] == "telemetry"
    # The simulated leak is 1 lb/day (tests/analysis/conftest.py).
    assert current["leak_rate_lb_per_day"] == pytest.approx(1.0, rel=0.15)


def test_risk_with_the_prk_history_and_a_programme_table(store, tmp_path, capsys) -> None:
    text = resources.files("hullwatch.data").joinpath("risk_default.toml").read_text("utf-8")
    table = tmp_path / "programme.toml"
    table.write_text(text.replace("hullwatch default (not NASA's)", "programme X"), "utf-8")
    args = ["risk", "--prk-history", "--at", "2024-04-15", "--table", str(table), "--no-store"]
    assert main([*args, "--json"]) == 0
    payload = _json(capsys)
    assert payload["table"]["name"] == "programme X" and "disclaimer" not in payload["table"]
    assert payload["likelihood"]["steps"]["count"] == 2
    assert payload["rate_history"][-1]["time"].startswith("2024-04-15")


def test_history_command(tmp_path, capsys) -> None:
    plot = tmp_path / "history.png"
    assert main(["history", "--json", "--plot", str(plot)]) == 0
    payload = _json(capsys)
    for key in ("timeline", "sensitivity", "verdict", "limitations", "overall", "first_5x5"):
        assert key in payload
    assert plot.stat().st_size > 10_000
    assert main(["history"]) == 0
    text = capsys.readouterr().out
    assert "cannot say" in text and "NOT the NASA" in text


def test_a_risk_table_with_a_gap_exits_2(store, tmp_path, capsys) -> None:
    text = resources.files("hullwatch.data").joinpath("risk_default.toml").read_text("utf-8")
    table = tmp_path / "gappy.toml"
    table.write_text(text.replace("max = 7.0,", "max = 6.0,", 1), "utf-8")
    assert main(["risk", "--rate", "1", "--table", str(table), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "gappy.toml" in err and "consequence.reserve_time_days.levels" in err
    assert "gap" in err and "Traceback" not in err
    assert not store.exists()  # nothing was scored, nothing stored


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--rate", "1", "--horizon", "soon"], "cannot read duration"),
        (["--rate", "-1"], "--rate"),
        (["--rate", "1", "--threshold-lb-per-day", "0"], "--threshold-lb-per-day"),
        (["--rate", "1", "--worst-case", "meteor"], "unknown worst case"),
        (["--rate", "1", "--worst-case", "hole"], "hole area"),
        (["--rate", "1", "--table", "absent.toml"], "cannot read risk table"),
        (["--rate", "1", "--module", "Skylab"], "no module 'Skylab'"),
        ([], "nothing to assess"),
        (["--rate-history", "absent.csv"], "cannot read rate history"),
    ],
)
def test_bad_requests_exit_2(store, capsys, args, needle) -> None:
    assert main(["risk", *args, "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_history_without_a_store_exits_2(tmp_path, capsys) -> None:
    assert main(["risk", "--history", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "no risk history yet" in capsys.readouterr().err


def test_steps_from_detector_alarms(store, tmp_path, capsys) -> None:
    alarms = tmp_path / "alarms.json"
    alarms.write_text(
        json.dumps(
            {
                "alarms": [
                    {
                        "time": "2026-01-01T00:00:00Z",
                        "kind": "leak_onset",
                        "compartment": ["PrK"],
                        "leak_rate_kg_per_day": 0.4,
                    },
                    {
                        "time": "2026-03-01T00:00:00Z",
                        "kind": "leak_increase",
                        "compartment": ["PrK"],
                        "leak_rate_kg_per_day": 0.4,
                    },
                ]
            }
        ),
        "utf-8",
    )
    args = ["risk", "--rate", "0.8", "--rate-unit", "kg/day", "--at", "2026-04-01T00:00:00Z"]
    assert main([*args, "--alarms", str(alarms), "--no-store", "--json"]) == 0
    steps = _json(capsys)["likelihood"]["steps"]
    assert steps["count"] == 1 and steps["largest_factor"] == pytest.approx(2.0)
    assert steps["exposure_days"] == pytest.approx(90.0)
    alarms.write_text("{not json", "utf-8")
    assert main([*args, "--alarms", str(alarms), "--no-store"]) == 2
    assert "not JSON" in capsys.readouterr().err
