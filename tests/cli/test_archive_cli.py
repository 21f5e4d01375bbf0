"""``hullwatch ingest`` and ``--archive DIR`` on the analysis commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hullwatch.cli.app import main
from hullwatch.habitat import load_habitat
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.telemetry import write_telemetry

WINDOW = ["--start", "2026-05-01T18:00:07Z", "--end", "2026-05-03T20:00:00Z"]

HABITAT = (
    """
name = "ISS Russian segment (test excerpt)"
[[modules]]
name = "Zvezda"
volume_m3 = 75.0
[[modules]]
name = "PrK"
volume_m3 = 4.2
[[modules]]
name = "Progress"
volume_m3 = 7.6
[[hatches]]
between = ["Zvezda", "PrK"]
[[hatches]]
between = ["PrK", "Progress"]
"""
    + "".join(
        f'[[channels]]\nid = "{cid}"\nmodule = "{module}"\n'
        f'quantity = "{quantity}"\nunit = "{unit}"\n'
        for cid, module, quantity, unit in [
            ("ZVEZDA_P", "Zvezda", "pressure", "mmHg"),
            ("ZVEZDA_T", "Zvezda", "temperature", "degC"),
            ("PRK_P", "PrK", "pressure", "mmHg"),
            ("PRK_T", "PrK", "temperature", "degC"),
            ("PROGRESS_P", "Progress", "pressure", "mmHg"),
        ]
    )
    + "".join(
        f'[[channels]]\nid = "{cid}"\nhatch = "{hatch}"\nquantity = "hatch"\nunit = "1"\n'
        for cid, hatch in [
            ("HATCH_ZVEZDA_PRK", "Zvezda-PrK"),
            ("HATCH_PRK_PROGRESS", "PrK-Progress"),
        ]
    )
)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Four days of three Russian-segment modules (the PrK leaking 1 lb/day, its hatch to
    the Progress opened on day 2) as one CSV; an archive of it built from two halves;
    the habitat file."""
    folder = tmp_path_factory.mktemp("archive_cli")
    config = folder / "habitat.toml"
    config.write_text(HABITAT)
    doc = {
        "simulation": {
            "duration": "4d",
            "seed": 6,
            "start": "2026-05-01T00:00:00Z",
            "output_interval_s": 60.0,
        },
        "crew": {
            "count": 2,
            "modules": ["Zvezda"],
            "o2_generation_module": "Zvezda",
            "co2_removal_modules": ["Zvezda"],
        },
        "hatch_events": [
            {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
            {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
            {"time": "2d", "hatch": "PrK-Progress", "state": "open"},
        ],
        "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0}],
    }
    samples = simulate(scenario_from_dict(doc), load_habitat(config)).telemetry
    write_telemetry(samples, folder / "all.csv")
    cut = samples["time"] < pd.Timestamp("2026-05-02T12:00:00Z")
    write_telemetry(samples[cut], folder / "first.csv")
    write_telemetry(samples[~cut], folder / "second.csv")
    archive = folder / "archive"
    for name in ("second.csv", "first.csv"):
        assert (
            main(["ingest", str(folder / name), "--archive", str(archive), "--config", str(config)])
            == 0
        )
    return folder / "all.csv", archive, config


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main([*args, "--json"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_ingest_json_and_idempotence(station, capsys) -> None:
    csv, archive, config = station
    again = run_json(
        ["ingest", str(csv), "--archive", str(archive), "--config", str(config)], capsys
    )
    assert again["rows_added"] == 0 and again["parts_written"] == 0
    assert again["rows_already_present"] == again["rows_read"] == again["archive_rows"]
    assert again["habitat"] == "ISS Russian segment (test excerpt)"
    assert again["source"] == str(csv) and again["ingest"] is None
    assert again["archive_start"] == "2026-05-01T00:00:00.000Z"
    assert again["archive_end"] == "2026-05-05T00:00:00.000Z"
    assert again["skipped_rows"] == 0 and again["unknown_channels"] == {}


def test_ingest_text_output_and_the_default_habitat(tmp_path, capsys) -> None:
    csv = tmp_path / "iss.csv"
    csv.write_text(
        "time,channel,value\n"
        "2026-05-01T00:00:00Z,SIM_PRK_P,740.1\n"
        "2026-05-01T00:00:00Z,NOT_A_CHANNEL,1\n"
        "2026-05-01T00:01:00Z,SIM_PRK_P,740.0\n"
    )
    assert main(["ingest", str(csv), "--archive", str(tmp_path / "a")]) == 0
    text = capsys.readouterr().out
    assert "added 2 row(s) in 1 part(s); 0 already present" in text
    assert "(habitat ISS): 2 rows" in text and "NOT_A_CHANNEL" in text
    assert main(["ingest", str(csv), "--archive", str(tmp_path / "a")]) == 0
    assert "added 0 row(s) in 0 part(s); 2 already present" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["rate", "--module", "PrK"],
        ["rate", "--module", "PrK", *WINDOW],
        ["events", *WINDOW],
        ["locate", *WINDOW],
        ["detect", "--warmup", "12h", *WINDOW],
        ["plan-isolation", "--samples", "10", "--data-start", WINDOW[1], "--data-end", WINDOW[3]],
        ["forecast", "--module", "PrK", "--threshold-mmhg", "600"],
        ["reserve-time", "--module", "PrK"],
        ["plan-repress", "--module", "PrK", "--band", "600", "640"],
        ["gas-budget", "--module", "PrK"],
        ["risk", "--module", "PrK", "--no-store"],
        ["verify-seal", "--module", "PrK", "--repair-time", "2026-05-02T12:00:00Z"],
    ],
    ids=[
        "rate",
        "rate-window",
        "events-window",
        "locate-window",
        "detect-window",
        "plan-window",
        "forecast",
        "reserve-time",
        "plan-repress",
        "gas-budget",
        "risk",
        "verify-seal",
    ],
)
def test_archive_gives_the_same_json_as_the_file(station, capsys, args) -> None:
    csv, archive, config = station
    common = [*args[1:], "--config", str(config)]
    # plan-isolation names its telemetry --telemetry; the others take an argument.
    file_args = ["--telemetry", str(csv)] if args[0] == "plan-isolation" else [str(csv)]
    from_file = run_json([args[0], *file_args, *common], capsys)
    from_archive = run_json([args[0], "--archive", str(archive), *common], capsys)
    assert from_archive == from_file


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["rate", "--module", "PrK"], "give TELEMETRY or --archive DIR"),
        (["rate", "FILE", "--archive", "ARCHIVE", "--module", "PrK"], "not both"),
        (["events", "--archive", "no-such-dir"], "no archive folder here"),
        (["locate", "--archive", "ARCHIVE"], "holds no samples of habitat 'ISS'"),
        (["detect", "--archive", "ARCHIVE", "--start", "yesterday-ish"], "not a time"),
        (["plan-isolation", "--archive", "ARCHIVE", "--posterior", "FILE"], "not both"),
        (["ingest", "no-such.csv", "--archive", "NEW"], "no-such.csv"),
        (["ingest", "FILE"], "--archive"),
    ],
)
def test_bad_requests_exit_2_with_a_message(station, tmp_path, capsys, args, needle) -> None:
    csv, archive, _ = station
    names = {"FILE": str(csv), "ARCHIVE": str(archive), "NEW": str(tmp_path / "new")}
    assert main([names.get(a, a) for a in args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
