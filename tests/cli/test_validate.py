"""``hullwatch validate``: exit status, JSON contract, text output."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from hullwatch.cli import cmd_validate  # noqa: F401  (registers the command)
from hullwatch.cli.app import main
from hullwatch.habitat import Channel, Habitat, Module, write_habitat

GOOD = (
    "time,channel,value\n"
    "2026-05-01T00:00:00Z,CABIN_P,760.0\n"
    "2026-05-01T00:00:10Z,CABIN_P,759.9\n"
    "2026-05-01T00:00:10Z,CABIN_P,759.9\n"
    "2026-05-01T00:00:20Z,CABIN_P,759.8\n"
    "2026-05-01T00:00:00Z,CABIN_T,21.0\n"
    "2026-05-01T00:00:00Z,STRAY,1\n"
)
BAD = GOOD + "2026-05-01T00:00:30Z,CABIN_P,leaking\n"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "habitat.toml"
    write_habitat(
        Habitat(
            "capsule",
            (Module("Cabin", 10.0),),
            (),
            (
                Channel("CABIN_P", "pressure", "mmHg", module="Cabin"),
                Channel("CABIN_T", "temperature", "degC", module="Cabin"),
            ),
        ),
        path,
    )
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_is_one_object(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD)
    status, out, _ = run(["validate", str(path), "--config", str(config), "--json"], capsys)
    assert status == 0
    assert out.count("\n") == 1
    report = json.loads(out)
    assert report["samples"] == 4
    assert report["unknown_channels"] == {"STRAY": 1}
    assert report["duplicates_dropped"] == 1
    assert report["start"] == "2026-05-01T00:00:00.000Z"
    pressure = report["channels"][0]
    assert (pressure["channel"], pressure["samples"], pressure["unit"]) == ("CABIN_P", 3, "mmHg")
    assert pressure["max_value"] == pytest.approx(760.0)
    assert pressure["median_interval_s"] == 10.0
    assert report["missing_channels"] == []


def test_text_output_has_a_row_per_channel(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD)
    status, out, _ = run(["validate", str(path), "--config", str(config)], capsys)
    assert status == 0
    assert "CABIN_P" in out and "CABIN_T" in out
    assert "dt [s]" in out  # the unit survives rich's markup
    assert "STRAY (1)" in out
    assert "dropped 1 exact duplicate row(s)" in out


def test_bad_row_exits_2_without_traceback(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    status, out, err = run(["validate", str(path), "--config", str(config), "--json"], capsys)
    assert status == 2
    assert out == ""
    assert f"{path}:8: value:" in err.replace("\n", "")
    assert "Traceback" not in err


def test_skip_bad_rows_is_counted(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    status, out, _ = run(
        ["validate", str(path), "--config", str(config), "--json", "--skip-bad-rows"], capsys
    )
    assert status == 0
    assert json.loads(out)["skipped_rows"] == 1


def test_strict_conflict_exits_2(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "conflict.csv"
    path.write_text(GOOD + "2026-05-01T00:00:20Z,CABIN_P,700\n")
    args = ["validate", str(path), "--config", str(config), "--json"]
    status, out, _ = run(args, capsys)
    assert status == 0
    assert json.loads(out)["conflicting_duplicates"] == 1
    status, out, err = run([*args, "--strict"], capsys)
    assert status == 2
    assert "two values" in err
    assert "Traceback" not in err


def test_stdin(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin:
        buffer = io.BytesIO(GOOD.encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    status, out, _ = run(["validate", "-", "--config", str(config), "--json"], capsys)
    assert status == 0
    assert json.loads(out)["source"] == "<stdin>"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "absent.csv"],
        ["validate", "absent.csv", "--config", "absent.toml"],
    ],
)
def test_missing_files_exit_2(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(args, capsys)
    assert status == 2
    assert out == ""
    assert "no such" in err


def test_binary_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    status, _, err = run(["validate", str(path)], capsys)
    assert status == 2
    assert "not a CSV or Parquet file" in err


def test_isslive_year_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "recording"
    folder.mkdir()
    (folder / "USLAB000058.txt").write_text("6845.0 742.9 \n6845.5 743.0 \n")
    status, _, err = run(["validate", str(folder), "--json"], capsys)
    assert status == 2
    assert "--isslive-year" in err
    status, out, _ = run(["validate", str(folder), "--json", "--isslive-year", "2019"], capsys)
    assert status == 0
    report = json.loads(out)
    assert report["start"] == "2019-10-12T05:00:00.000Z"
    assert report["channels"][0]["channel"] == "USLAB000058"


@pytest.mark.realdata
def test_real_lab_day(real_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = real_data / "iss-mimic" / "2019-10-12_lab_day"
    status, out, _ = run(["validate", str(folder), "--json"], capsys)
    assert status == 0
    report = json.loads(out)
    assert report["start"].startswith("2019-10-12T04:59")
    assert report["end"].startswith("2019-10-13T04:55")
    channels = {c["channel"]: c for c in report["channels"]}
    assert (
        741.0 < channels["USLAB000058"]["min_value"] < channels["USLAB000058"]["max_value"] < 748.0
    )
    assert report["unknown_channels"]["USLAB000040"] == 501
    assert 1200 < max(g["duration_s"] for g in report["signal_gaps"]) < 1300


@pytest.mark.parametrize(
    "args", [["validate"], ["validate", "x.csv", "--isslive-year", "soon"], ["validate", "--nope"]]
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(args, capsys)
    assert status == 2
    assert "Traceback" not in out + err
