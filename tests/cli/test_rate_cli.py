"""``hullwatch rate`` and ``verify-seal`` from the command line: JSON, text, plot, errors."""

from __future__ import annotations

import json

import pytest
from tests.analysis.conftest import prk_run

from hullwatch.cli.app import main


@pytest.fixture(scope="module")
def prk_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prk")
    from hullwatch.telemetry import write_telemetry

    write_telemetry(prk_run(6).telemetry, folder / "t.csv")
    return folder / "t.csv"


def test_rate_json_is_one_object_with_the_contract(prk_csv, capsys) -> None:
    assert main(["rate", str(prk_csv), "--module", "PrK", "--json", "--units", "mmHg/day"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert out.count("\n") == 1
    assert payload["module"] == "PrK" and payload["compartment"] == ["PrK"]
    lo, hi = payload["ci95_kg_per_day"]
    assert lo < payload["leak_rate_kg_per_day"] < hi
    assert payload["leak_rate_other_units"]["mmHg/day"] > 0


def test_rate_text_and_plot(prk_csv, tmp_path, capsys) -> None:
    plot = tmp_path / "rate.png"
    assert main(["rate", str(prk_csv), "--module", "PrK", "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "kg/day" in text and "lb/day" in text and "Flow" in text
    assert plot.stat().st_size > 10_000
    # The segment table keeps its units and whole dates on an 80-column terminal: rich
    # once read "[kg]" as a style tag and dropped it, and cut "2026-05-01T00:00" to
    # "2026-05-…".
    assert "[kg]" in text
    assert "2026-05-01" in text and "2026-05-…" not in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--module", "Skylab"], "no module 'Skylab'"),
        (["--module", "PrK", "--units", "furlongs"], "unknown unit"),
        (
            ["--module", "PrK", "--start", "2026-05-01T00:00:00Z", "--end", "2026-05-01T01:00:00Z"],
            "could not estimate",
        ),
        (["--module", "PrK", "--noise-history", "2d"], "--noise-history needs --start"),
        (
            ["--module", "PrK", "--start", "2026-05-03T00:00:00Z", "--noise-history", "2 days"],
            "cannot read duration",
        ),
    ],
)
def test_rate_bad_requests_exit_2(prk_csv, capsys, args, needle) -> None:
    assert main(["rate", str(prk_csv), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_verify_seal_json(prk_csv, capsys) -> None:
    status = main(
        [
            "verify-seal",
            str(prk_csv),
            "--module",
            "PrK",
            "--repair-time",
            "2026-05-03T00:00:00Z",
            "--settle",
            "2h",
            "--json",
        ]
    )
    assert status == 0
    verdict = json.loads(capsys.readouterr().out)
    # No repair happened in this run: the ratio's interval must include 1.
    lo, hi = verdict["ratio_ci95"]
    assert lo <= 1.0 <= hi
    assert verdict["verdict"].startswith("still leaking")
