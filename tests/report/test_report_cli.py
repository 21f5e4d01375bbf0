"""``hullwatch report``: bad input exits with status 2 and a message, never a traceback."""

from __future__ import annotations

import re

import pytest

from hullwatch.cli.app import main


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--module", "Atlantis"], "Atlantis"),
        (["--image-format", "gif"], "--image-format"),
        (["--window", "forever"], "--window"),
        (["--step", "0"], "--step"),
        (["--false-alarms-per-year", "0"], "false-alarm"),
    ],
)
def test_bad_options_exit_2(leak_files, tmp_path, capsys, extra, needle) -> None:
    argv = [
        "report",
        str(leak_files["telemetry"]),
        "--config",
        str(leak_files["habitat"]),
        "--out",
        str(tmp_path / "r.html"),
        *extra,
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_missing_telemetry_exits_2(tmp_path, capsys) -> None:
    assert main(["report", str(tmp_path / "none.csv"), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "none.csv" in err and "Traceback" not in err


def test_out_folder_missing_exits_2(leak_files, tmp_path, capsys) -> None:
    out = tmp_path / "no" / "such" / "r.html"
    assert main(["report", str(leak_files["telemetry"]), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "does not exist" in err


def test_neither_telemetry_nor_archive_exits_2(tmp_path, capsys) -> None:
    assert main(["report", "--out", str(tmp_path / "r.html")]) == 2
    assert "--archive" in capsys.readouterr().err


def test_missing_archive_exits_2(tmp_path, capsys) -> None:
    argv = ["report", "--archive", str(tmp_path / "none"), "--out", str(tmp_path / "r.html")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--archive" in err and "Traceback" not in err


def _findings(html: str) -> list[str]:
    """The summary's sentences on the leak (not the lines naming the source)."""
    summary = html[html.index('id="summary"') : html.index('id="pressures"')]
    rows = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", summary)
    return [f"{label}: {text}" for label, text in rows if label != "Data quality"]


@pytest.mark.slow
def test_report_from_an_archive_says_what_the_file_report_says(
    leak_files, leak_report, tmp_path
) -> None:
    archive = tmp_path / "archive"
    config = str(leak_files["habitat"])
    ingest = ["ingest", str(leak_files["telemetry"]), "--config", config, "--archive"]
    assert main([*ingest, str(archive)]) == 0
    out = tmp_path / "from-archive.html"
    assert main(["report", "--archive", str(archive), "--config", config, "--out", str(out)]) == 0
    assert _findings(out.read_text(encoding="utf-8")) == _findings(leak_report["html"])


def test_window_after_the_data_exits_2(leak_files, tmp_path, capsys) -> None:
    argv = ["report", str(leak_files["telemetry"]), "--config", str(leak_files["habitat"])]
    argv += ["--out", str(tmp_path / "r.html"), "--start", "2027-01-01T00:00:00Z"]
    assert main(argv) == 2
    assert "no samples in the window" in capsys.readouterr().err


def test_a_window_starts_at_start_with_the_hatch_states_then(leak_run) -> None:
    """The carried hatch states move to --start, so every analysis's span begins there."""
    import numpy as np

    from hullwatch.cli.cmd_report import _states_at_start
    from hullwatch.cli.inputs import window_with_state

    start = "2026-05-02T00:00:00Z"
    telemetry = leak_run.to_telemetry()
    cut = window_with_state(telemetry, leak_run.habitat, start, None)
    assert cut.span()[0] < np.datetime64("2026-05-02T00:00", "ns")  # the carried states
    moved = _states_at_start(cut, start)
    assert moved.span()[0] == np.datetime64("2026-05-02T00:00", "ns")
    open_then = moved.hatch_timeline(leak_run.habitat).open_hatches_at(moved.span()[0])
    assert "Zvezda-PrK" not in open_then and "PrK-Progress" not in open_then
    assert "Zarya-Zvezda" in open_then
