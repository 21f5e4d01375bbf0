"""``hullwatch detect`` and ``hullwatch watch`` from the command line."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator

import numpy as np
import pytest
from tests.detect.conftest import LEAK_ONSET

from hullwatch.cli.app import main
from hullwatch.cli.cmd_watch import watch_feed
from hullwatch.detect import LeakDetector, Monitor
from hullwatch.detect.feed import FeedParser
from hullwatch.telemetry import write_telemetry


@pytest.fixture(scope="module")
def leak_csv(tmp_path_factory, leak_run):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("leak")
    write_telemetry(leak_run.telemetry.sort_values("time", kind="stable"), folder / "t.csv")
    return folder / "t.csv"


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory, history):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("history")
    write_telemetry(history.telemetry, folder / "h.csv")
    return folder / "h.csv"


def test_detect_json_follows_the_contract(leak_csv, history_csv, capsys) -> None:  # type: ignore[no-untyped-def]
    status = main(["detect", str(leak_csv), "--history", str(history_csv), "--json"])
    out = capsys.readouterr().out
    assert status == 0 and out.count("\n") == 1
    payload = json.loads(out)
    (alarm,) = [a for a in payload["alarms"] if a["compartment"] == ["PrK"]]
    assert alarm["kind"] == "leak_onset"
    assert alarm["time"].endswith("Z") and alarm["onset_estimate"].endswith("Z")
    assert alarm["onset_ci95"][0] <= str(LEAK_ONSET)[:19] + ".000Z" <= alarm["onset_ci95"][1]
    assert 0.2 < alarm["leak_rate_kg_per_day"] < 0.7
    assert payload["false_alarms_per_year"] == 1.0 and payload["threshold"] > 0


def test_detect_text_and_bad_rate(leak_csv, history_csv, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["detect", str(leak_csv), "--history", str(history_csv)]) == 0
    assert "leak_onset" in capsys.readouterr().out
    status = main(["detect", str(leak_csv), "--false-alarms-per-year", "0", "--json"])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert "--false-alarms-per-year" in captured.err


def test_watch_prints_events_and_alarms_as_json_lines(leak_csv, history_csv, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["watch", str(leak_csv), "--history", str(history_csv), "--no-follow", "--jsonl"]
    status = main(args)
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    items = [json.loads(line) for line in lines]
    leaks = [i for i in items if i["kind"] in ("leak_onset", "leak_increase")]
    assert [(i["kind"], i["compartment"]) for i in leaks] == [("leak_onset", ["PrK"])]
    assert leaks[0]["time"] > str(LEAK_ONSET)[:19]
    # Printed as it happened: everything before the alarm in the feed is earlier.
    position = items.index(leaks[0])
    assert all(i.get("start", i.get("time")) <= leaks[0]["time"] for i in items[:position])


def test_watch_reads_stdin_and_names_bad_lines(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    feed = (
        "time,channel,value\n2026-05-01T00:00:00Z,SIM_PRK_P,755.0\n2026-05-01T00:01:00Z,SIM_PRK_P\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(feed))
    status = main(["watch", "-"])
    err = capsys.readouterr().err
    assert status == 2 and "<stdin>:3" in err and "3 fields" in err


class _EndlessFeed:
    """A synthetic long-form feed of the isolated PrK: 1 row per channel per minute."""

    def __init__(self, days: float) -> None:
        self.rows = self._rows(int(days * 1440))
        self.header = True

    @staticmethod
    def _rows(n: int) -> Iterator[str]:
        rng = np.random.default_rng(0)
        start = np.datetime64("2026-05-01T00:00:00", "s")
        for k in range(n):
            t = str(start + np.timedelta64(60 * k, "s")) + "Z"
            yield f"{t},SIM_PRK_P,{755.0 + rng.normal(0, 0.05):.3f}\n"
            yield f"{t},SIM_PRK_T,{22.0 + rng.normal(0, 0.02):.3f}\n"
            yield f"{t},SIM_HATCH_ZVEZDA_PRK,0\n"
            yield f"{t},SIM_ZVEZDA_P,{755.0 + rng.normal(0, 0.05):.3f}\n"
            yield f"{t},SIM_ZVEZDA_T,{22.0 + rng.normal(0, 0.02):.3f}\n"

    def readlines(self, hint: int = -1) -> list[str]:
        if self.header:
            self.header = False
            return ["time,channel,value\n"]
        out = []
        for line in self.rows:
            out.append(line)
            if len(out) >= 5000:
                break
        return out


def test_watch_memory_stays_bounded_on_a_long_stream(habitat) -> None:  # type: ignore[no-untyped-def]
    def peak_after(days: float) -> int:
        # Short look-backs so that every bounded buffer is full well within the first day.
        detector = LeakDetector(habitat, warmup_s=6 * 3600.0, onset_lookback_s=12 * 3600.0)
        monitor = Monitor(detector)
        parser = FeedParser(habitat, "<synthetic>")
        tracemalloc.start()
        watch_feed(_EndlessFeed(days), monitor, parser, follow=False, as_jsonl=True)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return peak

    short, long = peak_after(1.0), peak_after(3.0)
    assert long < 1.05 * short + 50_000


def test_detect_takes_the_orbit_and_names_a_bad_one(leak_csv, history_csv, capsys) -> None:  # type: ignore[no-untyped-def]
    """The real ISS orbit is 91.5-93 min: ``--orbit`` sets the cycle glr-level carries."""
    args = ["detect", str(leak_csv), "--history", str(history_csv), "--json"]
    assert main([*args, "--orbit", "92.7min", "--orbit-error", "30s"]) == 0
    assert any(a["kind"] == "leak_onset" for a in json.loads(capsys.readouterr().out)["alarms"])
    for bad, named in (("abc", "--orbit"), ("0min", "orbital_period_s")):
        status = main([*args, "--orbit", bad])
        captured = capsys.readouterr()
        assert status == 2 and captured.out == "" and named in captured.err
