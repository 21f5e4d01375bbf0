"""The Parquet archive: round trip, idempotence, windows, clean-up, compaction; the state DB."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from hullwatch.errors import InputError
from hullwatch.events.model import Event
from hullwatch.habitat import load_habitat
from hullwatch.store import Archive, StateDB, read_manifest
from hullwatch.telemetry import Telemetry, read_telemetry, write_telemetry

START = np.datetime64("2026-05-01T00:00:00", "ns")
CHANNELS = ("SIM_PRK_P", "SIM_PRK_T", "SIM_ZVEZDA_P")


def frame(minutes: range, channels: tuple[str, ...] = CHANNELS) -> pd.DataFrame:
    """One sample a minute of each channel at ``minutes`` after START.

    A value depends only on its time and channel, so overlapping frames agree.
    """
    m = np.asarray(minutes, dtype=np.int64)
    times = START + m * np.timedelta64(60, "s")
    parts = [
        pd.DataFrame(
            {
                "time": pd.DatetimeIndex(times, tz="UTC"),
                "channel": channel,
                "value": 99_000.0 + 30.0 * np.sin(0.37 * m + k),
            }
        )
        for k, channel in enumerate(channels)
    ]
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["channel", "time"], ignore_index=True)


def telemetry(samples: pd.DataFrame, source: str = "test") -> Telemetry:
    return Telemetry(samples.reset_index(drop=True), source)


def keys(samples: pd.DataFrame) -> set[tuple[int, str]]:
    times = samples["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    return set(zip(times.tolist(), samples["channel"].tolist(), strict=True))


def test_round_trip_is_exact_and_in_the_readers_form(tmp_path: Path) -> None:
    habitat = load_habitat()
    # Written as a file and read back, so the frame is exactly what a reader gives.
    source = frame(range(0, 3 * 1440, 7)).assign(value=lambda f: f["value"] / 133.322)
    write_telemetry(source, tmp_path / "t.csv")
    from_file = read_telemetry(tmp_path / "t.csv", habitat)
    archive = Archive(tmp_path / "archive")
    report = archive.ingest(from_file, "t.csv")
    assert report.rows_added == len(from_file) and report.rows_already_present == 0
    # Three channels over three UTC days: one part per channel and day.
    assert report.parts_written == 9
    back = archive.read(habitat)
    pd.testing.assert_frame_equal(back.samples, from_file.samples)
    assert back.channels() == sorted(CHANNELS)
    assert archive.row_count() == len(from_file)
    first, last = archive.time_range() or (None, None)
    assert first == from_file.span()[0] and last == from_file.span()[1]
    assert archive.verify() == []


def test_nanosecond_times_and_day_boundaries_survive(tmp_path: Path) -> None:
    times = pd.DatetimeIndex(
        ["2026-05-01T23:59:59.999999999", "2026-05-02T00:00:00", "2026-05-02T00:00:00.000000001"],
        tz="UTC",
    )
    samples = pd.DataFrame({"time": times, "channel": "SIM_PRK_P", "value": [1.0, 2.0, 3.0]})
    archive = Archive(tmp_path)
    assert archive.ingest(telemetry(samples), "ns").parts_written == 2
    back = archive.read()
    assert back.samples["time"].tolist() == list(times)
    assert sorted(p.day for p in archive.parts()) == ["2026-05-01", "2026-05-02"]


def test_reingesting_adds_nothing_and_changes_no_file(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    data = telemetry(frame(range(0, 2000, 3)))
    first = archive.ingest(data, "a")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")}
    manifest = (tmp_path / "manifest.json").read_bytes()
    again = archive.ingest(data, "a")
    assert (again.rows_added, again.rows_already_present, again.parts_written) == (
        0,
        first.rows_added,
        0,
    )
    assert again.ingest is None
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")} == before
    assert (tmp_path / "manifest.json").read_bytes() == manifest


def test_overlapping_files_add_only_new_time_channel_pairs(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    a = frame(range(3000))
    b = frame(range(2000, 5000), channels=(*CHANNELS, "SIM_ZVEZDA_T"))
    archive.ingest(telemetry(a), "a")
    report = archive.ingest(telemetry(b), "b")
    overlap = len(keys(a) & keys(b))
    assert overlap == 1000 * len(CHANNELS)
    assert report.rows_already_present == overlap
    assert report.rows_added == len(b) - overlap
    back = archive.read()
    assert len(back) == len(keys(a) | keys(b)) == archive.row_count()
    assert keys(back.samples) == keys(a) | keys(b)
    assert archive.verify() == []


def test_a_conflicting_value_keeps_the_archived_one(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    a = frame(range(100))
    archive.ingest(telemetry(a), "a")
    b = a.copy()
    b.loc[:9, "value"] += 1.0
    report = archive.ingest(telemetry(b), "b")
    assert (report.rows_added, report.rows_conflicting, report.rows_already_present) == (
        0,
        10,
        len(a) - 10,
    )
    pd.testing.assert_frame_equal(archive.read().samples, telemetry(a).samples)


def test_repeats_within_one_input_are_stored_once(tmp_path: Path) -> None:
    a = frame(range(50))
    twice = pd.concat([a, a.iloc[:5].assign(value=a["value"].iloc[:5] + 1.0), a.iloc[5:8]])
    report = Archive(tmp_path).ingest(telemetry(twice), "twice")
    assert (report.rows_added, report.rows_conflicting, report.rows_already_present) == (
        len(a),
        5,
        3,
    )
    pd.testing.assert_frame_equal(Archive(tmp_path).read().samples, telemetry(a).samples)


def test_window_channels_and_habitat_filter(tmp_path: Path) -> None:
    habitat = load_habitat()
    samples = frame(range(0, 3 * 1440, 10), channels=(*CHANNELS, "NOT_A_CHANNEL"))
    hatch = pd.DataFrame(
        {
            "time": pd.DatetimeIndex([START, START + np.timedelta64(1, "D")], tz="UTC"),
            "channel": "SIM_HATCH_ZVEZDA_PRK",
            "value": [0.0, 1.0],
        }
    )
    archive = Archive(tmp_path)
    archive.ingest(telemetry(pd.concat([samples, hatch])), "w")
    start, end = "2026-05-02T06:00:00Z", "2026-05-02T12:00:00Z"
    window = archive.read(habitat, start, end)
    times = window.samples["time"]
    # Inclusive bounds; 10-minute samples from 06:00 to 12:00 are 37 per channel.
    pressure_times, _ = window.channel("SIM_PRK_P")
    assert pressure_times.size == 37
    assert pressure_times[0] == np.datetime64("2026-05-02T06:00", "ns")
    assert pressure_times[-1] == np.datetime64("2026-05-02T12:00", "ns")
    # The hatch's state at the start (opened on 05-02 00:00) comes along.
    hatch_times, hatch_values = window.channel("SIM_HATCH_ZVEZDA_PRK")
    assert hatch_times.size == 1 and hatch_values[0] == 1.0
    assert hatch_times[0] == np.datetime64("2026-05-02T00:00", "ns")
    assert (times >= pd.Timestamp(start)).sum() == len(window) - 1
    # A channel the habitat lacks is counted, not returned.
    assert "NOT_A_CHANNEL" not in window.channels()
    assert window.unknown_channels == {"NOT_A_CHANNEL": 37}
    assert window.warnings and "NOT_A_CHANNEL" in window.warnings[0]
    # Without a habitat: every channel, no hatch carry.
    raw = archive.read(None, start, end, channels=["NOT_A_CHANNEL", "SIM_PRK_T"])
    assert raw.channels() == ["NOT_A_CHANNEL", "SIM_PRK_T"] and len(raw) == 74
    with pytest.raises(InputError, match="ends"):
        archive.read(habitat, end, start)


def test_uncommitted_parts_are_ignored_then_cleaned_on_open(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.ingest(telemetry(frame(range(100))), "a")
    committed = archive.read()
    # What a killed ingest leaves: a renamed part not in the manifest, temporary files.
    folder = next(tmp_path.rglob("day=*"))
    stray = folder / "part-000002-deadbeef.parquet"
    pq.write_table(pq.read_table(next(folder.glob("part-*.parquet"))), stray)
    temp = folder / ".tmp-part-000002-cafe.parquet"
    temp.write_bytes(b"half a file")
    manifest_temp = tmp_path / ".tmp-0123-manifest.json"
    manifest_temp.write_bytes(b"{")
    pd.testing.assert_frame_equal(archive.read().samples, committed.samples)
    reopened = Archive(tmp_path)
    assert not stray.exists() and not temp.exists() and not manifest_temp.exists()
    pd.testing.assert_frame_equal(reopened.read().samples, committed.samples)
    assert reopened.verify() == []


def test_compaction_merges_parts_and_keeps_every_row(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    for k in range(4):
        archive.ingest(telemetry(frame(range(k * 300, k * 300 + 400))), f"f{k}")
    before = archive.read()
    parts_before = len(archive.parts())
    removed = archive.compact()
    assert removed == parts_before and len(archive.parts()) == len(CHANNELS)
    assert len(list(tmp_path.rglob("*.parquet"))) == len(CHANNELS)
    pd.testing.assert_frame_equal(archive.read().samples, before.samples)
    assert archive.verify() == [] and archive.compact() == 0
    assert read_manifest(tmp_path).ingests[-1]["kind"] == "compact"


def test_verify_finds_a_changed_part(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.ingest(telemetry(frame(range(100))), "a")
    part = tmp_path / archive.parts()[0].path
    table = pq.read_table(part)
    pq.write_table(table.slice(0, 50), part)
    problems = archive.verify()
    assert any("hash" in p for p in problems) and any("50 rows" in p for p in problems)


def test_partition_values_cannot_leave_the_archive(tmp_path: Path) -> None:
    samples = pd.DataFrame(
        {
            "time": pd.DatetimeIndex([START, START], tz="UTC"),
            "channel": ["../../escape", ".."],
            "value": [1.0, 2.0],
        }
    )
    archive = Archive(tmp_path / "a", habitat_name="Mars/base 1")
    archive.ingest(telemetry(samples), "odd")
    files = list((tmp_path / "a").rglob("*.parquet"))
    assert len(files) == 2 and all(f.resolve().is_relative_to(tmp_path / "a") for f in files)
    assert archive.channels() == ["..", "../../escape"]
    assert sorted(archive.read().samples["channel"]) == ["..", "../../escape"]


def test_empty_archive_and_bad_folders(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "new")
    assert (archive.row_count(), archive.channels(), archive.time_range()) == (0, [], None)
    assert len(archive.read()) == 0
    assert archive.ingest(telemetry(frame(range(0))), "nothing").rows_added == 0
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not an archive folder"):
        Archive(tmp_path / "file")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(InputError, match="not a hullwatch archive manifest"):
        Archive(tmp_path / "bad")


def test_habitat_partitions_are_separate(tmp_path: Path) -> None:
    Archive(tmp_path, "ISS").ingest(telemetry(frame(range(10))), "iss")
    other = Archive(tmp_path, "Gateway")
    assert other.row_count() == 0
    other.ingest(telemetry(frame(range(10))), "gateway")
    assert other.row_count() == Archive(tmp_path).row_count() == 10 * len(CHANNELS)
    assert len(Archive(tmp_path).read("Gateway")) == 10 * len(CHANNELS)


# ---------------------------------------------------------------------- state database

ALARM = {
    "time": "2026-05-03T04:00:00.000Z",
    "kind": "leak_onset",
    "compartment": ["PrK"],
    "onset_estimate": "2026-05-03T01:00:00.000Z",
    "leak_rate_kg_per_day": 0.45,
}


def test_alarms_are_stored_once_and_acknowledged(tmp_path: Path) -> None:
    db = StateDB(tmp_path)
    later = {**ALARM, "time": "2026-05-04T00:00:00.000Z", "compartment": ["Zvezda", "PrK"]}
    ids = db.append_alarms([ALARM, later])
    assert len(set(ids)) == 2
    # Appending again (a restarted service recomputing) stores nothing twice.
    assert db.append_alarms([ALARM]) == ids[:1]
    stored = StateDB(tmp_path).alarms()
    assert [a["id"] for a in stored] == ids
    assert stored[0]["leak_rate_kg_per_day"] == 0.45 and stored[0]["acknowledged_by"] is None
    acked = db.acknowledge_alarm(ids[0], "flight director")
    assert acked["acknowledged_by"] == "flight director" and acked["acknowledged_at"].endswith("Z")
    # The first acknowledgement stands.
    assert db.acknowledge_alarm(ids[0], "someone else")["acknowledged_by"] == "flight director"
    assert [a["id"] for a in db.alarms(unacknowledged=True)] == ids[1:]
    assert [a["id"] for a in db.alarms("2026-05-03T12:00:00Z")] == ids[1:]
    assert [a["id"] for a in db.alarms(end="2026-05-03T04:00:00Z")] == ids[:1]
    with pytest.raises(InputError, match="no alarm with id"):
        db.acknowledge_alarm(999, "x")
    with pytest.raises(InputError, match="named"):
        db.acknowledge_alarm(ids[1], " ")
    with pytest.raises(InputError, match="time"):
        db.append_alarms([{"kind": "leak_onset"}])
    # A figure the data cannot give (NaN) is stored as null, as the JSON contract has it.
    odd = {**ALARM, "time": "2026-05-05T00:00:00.000Z", "leak_rate_kg_per_day": float("nan")}
    (odd_id,) = db.append_alarms([odd])
    assert db.alarms("2026-05-05T00:00:00Z")[0]["leak_rate_kg_per_day"] is None
    assert db.alarms("2026-05-05T00:00:00Z")[0]["id"] == odd_id


def test_events_overlapping_a_window(tmp_path: Path) -> None:
    db = StateDB(tmp_path)
    repress = {
        "kind": "repress",
        "start": "2026-05-02T10:00:00.000Z",
        "end": "2026-05-02T10:30:00.000Z",
        "compartment": ["PrK"],
        "mass_added_kg": 0.29,
    }
    hatch = {
        "kind": "hatch_close",
        "start": "2026-05-03T00:00:00.000Z",
        "end": "2026-05-03T00:00:00.000Z",
        "hatch": "Zvezda-PrK",
    }
    opened = Event(
        "hatch_open",
        np.datetime64("2026-05-04T00:00", "ns"),
        np.datetime64("2026-05-04T00:00", "ns"),
    )
    ids = db.append_events([repress, hatch, repress, opened])
    assert ids[0] == ids[2] != ids[1] != ids[3]
    assert [e["kind"] for e in db.events()] == ["repress", "hatch_close", "hatch_open"]
    assert db.events("2026-05-03T12:00:00Z")[0] == {"id": ids[3], **opened.to_dict()}
    assert [e["kind"] for e in db.events("2026-05-02T10:15:00Z", "2026-05-02T23:00:00Z")] == [
        "repress"
    ]
    assert db.events("2026-05-03T00:00:00.001Z", "2026-05-03T23:00:00Z") == []


def test_concurrent_writers_are_serialized(tmp_path: Path) -> None:
    # Four writers (each its own Archive, so only the file lock keeps them apart)
    # ingest overlapping frames at once: every pair ends up stored exactly once.
    frames = [frame(range(k * 500, k * 500 + 1000)) for k in range(4)]
    Archive(tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda f: Archive(tmp_path).ingest(telemetry(f), "writer"), frames))
    everything = pd.concat(frames).drop_duplicates(["time", "channel"])
    assert sum(r.rows_added for r in reports) == len(everything)
    assert keys(Archive(tmp_path).read().samples) == keys(everything)
    assert Archive(tmp_path).verify() == []
