"""The data-quality report: gaps, flat lines, spikes, channels, hatch configurations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry, assemble, quality_report
from hullwatch.telemetry.quality import QualityReport

START = np.datetime64("2026-05-01T00:00:00", "ns")
HOUR = 3600.0


def at(hours: float) -> np.datetime64:
    return START + np.timedelta64(round(hours * HOUR * 1e9), "ns")


def _build(habitat: Habitat) -> Telemetry:
    """Ten hours at 10 s; every feature the report looks for, at a known place.

    * BIG_P: misses 02:00-02:10 alone (a channel gap), one-sample spike at 05:00,
      a level shift (not a spike) at 07:00;
    * TUN_T: holds exactly 21.0 from 03:00 to 05:00 (a flat line);
    * TUN_P: holds exactly 101.0 from 07:30 to 09:40, but across a signal gap;
    * every channel is silent 08:00-09:10 (a signal gap);
    * HATCH: open, open again, closed at 04:00, open at 06:00;
    * FOO: not in the habitat.
    """
    rng = np.random.default_rng(7)
    grid_s = np.arange(0.0, 10 * HOUR, 10.0)
    silent = (grid_s >= 8 * HOUR) & (grid_s < 9 * HOUR + 600)
    grid_s = grid_s[~silent]
    times, codes, values = [], [], []

    def add(code: int, seconds: np.ndarray, data: np.ndarray) -> None:
        times.append(START.astype(np.int64) + (seconds * 1e9).astype(np.int64))
        codes.append(np.full(seconds.size, code))
        values.append(data)

    big_s = grid_s[(grid_s < 2 * HOUR) | (grid_s >= 2 * HOUR + 600)]
    big = 760.0 + rng.normal(0.0, 0.05, big_s.size) + np.where(big_s >= 7 * HOUR, 1.0, 0.0)
    big[np.flatnonzero(big_s == 5 * HOUR)] += 3.0
    add(0, big_s, big)
    temperature = 21.0 + rng.normal(0.0, 0.05, grid_s.size)
    temperature[(grid_s >= 3 * HOUR) & (grid_s <= 5 * HOUR)] = 21.0
    add(1, grid_s, temperature)
    tunnel = 101.3 + rng.normal(0.0, 0.01, grid_s.size)
    tunnel[(grid_s >= 7.5 * HOUR) & (grid_s <= 9 * HOUR + 40 * 60)] = 101.0
    add(2, grid_s, tunnel)
    add(3, np.array([0.0, 1.0, 4.0, 6.0]) * HOUR, np.array([1.0, 1.0, 0.0, 1.0]))
    add(4, np.arange(5.0), np.ones(5))
    return assemble(
        np.concatenate(times),
        np.concatenate(codes),
        ["BIG_P", "TUN_T", "TUN_P", "HATCH", "FOO"],
        np.concatenate(values),
        habitat,
        "synthetic",
    )


@pytest.fixture
def report(habitat: Habitat) -> QualityReport:
    return quality_report(_build(habitat), habitat)


def _channel(report: QualityReport, channel_id: str) -> dict:
    return next(c for c in report.to_dict()["channels"] if c["channel"] == channel_id)


def test_channel_figures(report: QualityReport) -> None:
    big = _channel(report, "BIG_P")
    assert big["unit"] == "mmHg"
    assert big["module"] == "Big"
    assert big["median_interval_s"] == 10.0
    assert big["start"] == "2026-05-01T00:00:00.000Z"
    assert big["end"] == "2026-05-01T09:59:50.000Z"
    assert 759.8 < big["min_value"] < big["max_value"] < 764.5
    assert big["samples"] == 3600 - 60 - 420


def test_gaps(report: QualityReport) -> None:
    big = _channel(report, "BIG_P")
    assert big["gap_count"] == 2
    assert big["gaps"][0] == {
        "start": "2026-05-01T01:59:50.000Z",
        "end": "2026-05-01T02:10:00.000Z",
        "duration_s": 610.0,
    }
    assert _channel(report, "TUN_T")["gap_count"] == 1
    assert report.signal_gap_count == 1
    gap = report.signal_gaps[0]
    assert (gap.start, gap.end) == (at(8) - np.timedelta64(10, "s"), at(9 + 1 / 6))


def test_flat_line_while_others_report(report: QualityReport) -> None:
    temperature = _channel(report, "TUN_T")
    assert temperature["flat_line_count"] == 1
    flat = temperature["flat_lines"][0]
    assert flat["start"] == "2026-05-01T03:00:00.000Z"
    assert flat["end"] == "2026-05-01T05:00:10.000Z"
    assert flat["value"] == pytest.approx(21.0)
    # TUN_P holds its value across the signal gap: loss of signal, not a flat line.
    assert _channel(report, "TUN_P")["flat_line_count"] == 0


def test_spike_found_and_level_shift_ignored(report: QualityReport) -> None:
    big = _channel(report, "BIG_P")
    assert big["spike_count"] == 1
    spike = big["spikes"][0]
    assert spike["time"] == "2026-05-01T05:00:00.000Z"
    assert spike["value"] - spike["baseline"] == pytest.approx(3.0, abs=0.2)
    assert spike["deviation_mads"] > 8.0
    assert _channel(report, "TUN_T")["spike_count"] == 0


def test_hatches_unknown_and_missing(report: QualityReport, habitat: Habitat) -> None:
    out = report.to_dict()
    assert out["unknown_channels"] == {"FOO": 5}
    assert out["missing_channels"] == []
    assert out["hatch_configuration_count"] == 3
    assert [(h["open"], h["closed"], h["compartments"]) for h in out["hatch_configurations"]] == [
        (["Big-Tunnel"], [], 1),
        ([], ["Big-Tunnel"], 2),
        (["Big-Tunnel"], [], 1),
    ]
    assert out["hatch_configurations"][1]["start"] == "2026-05-01T04:00:00.000Z"
    hatch = _channel(report, "HATCH")
    assert hatch["flat_line_count"] == hatch["spike_count"] == 0
    assert hatch["hatch"] == "Big-Tunnel"


def test_missing_channels_and_assumptions(habitat: Habitat) -> None:
    seconds = np.arange(0.0, 600.0, 10.0)
    telemetry = assemble(
        START.astype(np.int64) + (seconds * 1e9).astype(np.int64),
        np.zeros(seconds.size, dtype=np.int64),
        ["BIG_P"],
        np.full(seconds.size, 760.0),
        habitat,
        "one-channel",
    )
    out = quality_report(telemetry, habitat).to_dict()
    assert out["missing_channels"] == ["TUN_P", "TUN_T", "HATCH"]
    assert out["assumptions"] == ["hatch Big-Tunnel has no data and is taken as open"]
    assert out["hatch_configurations"][0]["open"] == []
    assert out["hatch_configurations"][0]["compartments"] == 1


def test_report_is_json_safe_with_z_times(report: QualityReport) -> None:
    text = json.dumps(report.to_dict(), allow_nan=False)
    out = json.loads(text)
    assert out["start"].endswith("Z") and out["end"].endswith("Z")
    assert out["samples"] == report.samples
    assert out["source"] == "synthetic"


def test_summary_lines(report: QualityReport) -> None:
    lines = report.summary_lines()
    assert lines[0].startswith("synthetic: ")
    assert "1 signal gap(s)" in lines[2]
    assert "1 flat-lined stretch(es)" in lines[2]
    assert "1 spike(s)" in lines[2]
    assert any("FOO (5)" in line for line in lines)


def test_empty_telemetry(habitat: Habitat) -> None:
    empty = assemble(np.zeros(0, np.int64), np.zeros(0, np.int64), [], np.zeros(0), habitat, "e")
    out = quality_report(empty, habitat).to_dict()
    assert out["samples"] == 0
    assert out["start"] is None
    assert out["channels"] == []
    assert len(out["missing_channels"]) == 4
