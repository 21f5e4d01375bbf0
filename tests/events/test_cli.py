"""``hullwatch events`` from the command line: one JSON object, text, and exit status 2."""

from __future__ import annotations

import json

import pytest

from hullwatch.cli.app import main
from hullwatch.telemetry import write_telemetry


@pytest.fixture(scope="module")
def station_csv(tmp_path_factory, station):
    folder = tmp_path_factory.mktemp("station")
    write_telemetry(station.telemetry, folder / "t.csv")
    return folder / "t.csv"


def test_events_json_is_one_object(station_csv, tmp_path, capsys) -> None:
    ops = tmp_path / "ops.csv"
    ops.write_text(
        "start,end,kind,text\n2026-05-01T12:00:00Z,2026-05-01T13:00:00Z,EVA,US EVA\n", "utf-8"
    )
    status = main(["events", str(station_csv), "--ops-log", str(ops), "--module", "PrK", "--json"])
    out = capsys.readouterr().out
    assert status == 0 and out.count("\n") == 1
    payload = json.loads(out)
    kinds = [e["kind"] for e in payload["events"]]
    assert kinds.count("repress") == 1 and kinds.count("depress") == 1
    assert kinds.count("hatch_open") == 2 and kinds.count("hatch_close") == 3
    (op,) = [e for e in payload["events"] if e["kind"] == "operation"]
    assert op["operation"] == "EVA" and op["leak_rate"]["module"] == "PrK"
    # One hour of operation cannot give a leak rate, and says so.
    during = op["leak_rate"]["during"]
    assert during["leak_rate_kg_per_day"] is None
    assert during["reason"].startswith("could not estimate")


def test_events_text(station_csv, capsys) -> None:
    assert main(["events", str(station_csv)]) == 0
    text = capsys.readouterr().out
    assert "repress" in text and "depress" in text and "mmHg/min" in text
    assert "hatch_close" in text and "hatch channel" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--module", "Skylab"], "no module 'Skylab'"),
        (["--window", "soon"], "cannot read duration"),
        (["--start", "2026-05-02T00:00:00Z", "--end", "2026-05-01T00:00:00Z"], "is empty"),
    ],
)
def test_bad_options_exit_2(station_csv, capsys, args, needle) -> None:
    assert main(["events", str(station_csv), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_a_bad_ops_log_exits_2_naming_the_line(station_csv, tmp_path, capsys) -> None:
    ops = tmp_path / "ops.csv"
    ops.write_text("start,end,kind,text\n2026-05-01T12:00:00+03:00,,EVA,x\n", "utf-8")
    assert main(["events", str(station_csv), "--ops-log", str(ops)]) == 2
    err = capsys.readouterr().err
    assert f"{ops}:2: start:" in err and "not in UTC" in err and "Traceback" not in err
