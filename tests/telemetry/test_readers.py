"""Reading and writing telemetry files (formats.md section 2)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hullwatch.errors import AnalysisError, HullwatchError, InputError
from hullwatch.habitat import Habitat
from hullwatch.telemetry import assembly as assemble_module
from hullwatch.telemetry import read_telemetry, readers, write_telemetry
from hullwatch.units import MMHG_PA, ZERO_CELSIUS_K

Write = Callable[[str, str | bytes], Path]
HEADER = "time,channel,value\n"


def ns(text: str) -> np.datetime64:
    return np.datetime64(text, "ns")


def sample_frame() -> pd.DataFrame:
    """Rows in file units, time-ordered and channel-interleaved as the simulator writes."""
    times = pd.date_range("2026-05-01", periods=4, freq="1500ms", tz="UTC")
    return pd.DataFrame(
        {
            "time": np.repeat(times, 4),
            "channel": pd.Categorical(["BIG_P", "TUN_P", "TUN_T", "HATCH"] * 4),
            "value": [
                760.0,
                101.3,
                21.5,
                1.0,
                759.9,
                101.2,
                21.6,
                1.0,
                759.8,
                101.1,
                21.7,
                0.0,
                759.7,
                101.0,
                21.8,
                0.0,
            ],
        }
    )


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_converts_to_si_and_sorts(tmp_path: Path, habitat: Habitat, suffix: str) -> None:
    path = tmp_path / f"telemetry{suffix}"
    write_telemetry(sample_frame(), path)
    telemetry = read_telemetry(path, habitat)
    samples = telemetry.samples
    assert list(samples.columns) == ["time", "channel", "value"]
    assert str(samples["time"].dtype) == "datetime64[ns, UTC]"
    assert samples["value"].dtype == np.float64
    assert list(samples["channel"]) == ["BIG_P"] * 4 + ["HATCH"] * 4 + ["TUN_P"] * 4 + ["TUN_T"] * 4
    assert telemetry.channels() == ["BIG_P", "HATCH", "TUN_P", "TUN_T"]
    times, big = telemetry.channel("BIG_P")
    assert times.dtype == np.dtype("datetime64[ns]")
    assert times[1] == ns("2026-05-01T00:00:01.500")
    np.testing.assert_allclose(big, np.array([760.0, 759.9, 759.8, 759.7]) * MMHG_PA)
    np.testing.assert_allclose(
        telemetry.channel("TUN_P")[1], [101300.0, 101200.0, 101100.0, 101000.0]
    )
    np.testing.assert_allclose(telemetry.channel("TUN_T")[1][0], 21.5 + ZERO_CELSIUS_K)
    np.testing.assert_array_equal(telemetry.channel("HATCH")[1], [1.0, 1.0, 0.0, 0.0])
    assert telemetry.warnings == []
    assert telemetry.span() == (ns("2026-05-01T00:00:00"), ns("2026-05-01T00:00:04.5"))


def test_csv_is_written_in_the_contract_format(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2026-05-01T00:00:00.1234Z", "2026-05-01T00:00:01.9996Z"]),
            "channel": ["BIG_P", "TUN_T"],
            "value": [757.312, 22.0],
        }
    )
    path = tmp_path / "out.csv"
    write_telemetry(frame, path)
    assert path.read_text().splitlines() == [
        "time,channel,value",
        "2026-05-01T00:00:00.123Z,BIG_P,757.312",
        "2026-05-01T00:00:02.000Z,TUN_T,22",
    ]


def test_writer_refuses_values_that_would_not_read_back(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"time": pd.to_datetime(["2026-05-01"]), "channel": ["X"], "value": [np.nan]}
    )
    with pytest.raises(InputError, match="not finite"):
        write_telemetry(frame, tmp_path / "x.csv")
    with pytest.raises(InputError, match="without columns"):
        write_telemetry(frame.drop(columns="value"), tmp_path / "x.csv")


# ----------------------------------------------------------------------------- times


def test_times_with_offsets_and_without_zone(write: Write, habitat: Habitat) -> None:
    path = write(
        "t.csv",
        HEADER
        + "2026-05-01T02:00:00+02:00,BIG_P,1\n"
        + "2026-05-01T00:00:01Z,BIG_P,2\n"
        + "2026-05-01T00:00:02,BIG_P,3\n"
        + "2026-04-30T19:00:03-0500,BIG_P,4\n",
    )
    times, values = read_telemetry(path, habitat).channel("BIG_P")
    assert list(times) == [ns(f"2026-05-01T00:00:0{i}") for i in range(4)]
    np.testing.assert_allclose(values / MMHG_PA, [1, 2, 3, 4])


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-05-01T00:00:00", "2026-05-01T00:00:00"),
        ("2026-05-01 06:30:00.250", "2026-05-01T06:30:00.250"),
        ("2026-05-01T00:00:00+05:30", "2026-04-30T18:30:00"),
        ("2026-05-01T00:00:00.000000001Z", "2026-05-01T00:00:00.000000001"),
    ],
)
def test_one_time_format_per_file(
    write: Write, habitat: Habitat, stamp: str, expected: str
) -> None:
    path = write("t.csv", f"{HEADER}{stamp},TUN_T,20\n")
    times, _ = read_telemetry(path, habitat).channel("TUN_T")
    assert times[0] == ns(expected)


# ----------------------------------------------------------------------------- channels, duplicates


def test_unknown_channels_are_counted_and_removed(write: Write, habitat: Habitat) -> None:
    path = write(
        "u.csv",
        HEADER + "2026-05-01T00:00:00Z,FOO,1\n2026-05-01T00:00:00Z,BIG_P,760\n"
        "2026-05-01T00:00:01Z,FOO,2\n2026-05-01T00:00:01Z,BAR,3\n",
    )
    telemetry = read_telemetry(path, habitat)
    assert telemetry.unknown_channels == {"FOO": 2, "BAR": 1}
    assert telemetry.channels() == ["BIG_P"]
    assert len(telemetry) == 1
    assert any("FOO (2)" in w for w in telemetry.warnings)


def test_duplicates_exact_dropped_conflicting_flagged(write: Write, habitat: Habitat) -> None:
    path = write(
        "d.csv",
        HEADER
        + "2026-05-01T00:00:00Z,BIG_P,760\n"
        + "2026-05-01T00:00:00Z,BIG_P,760\n"
        + "2026-05-01T00:00:01Z,BIG_P,759\n"
        + "2026-05-01T00:00:01Z,BIG_P,758\n"
        + "2026-05-01T00:00:01Z,BIG_P,759\n",
    )
    telemetry = read_telemetry(path, habitat)
    assert telemetry.duplicates_dropped == 2
    assert telemetry.conflicting_duplicates == 1
    _, values = telemetry.channel("BIG_P")
    np.testing.assert_allclose(values / MMHG_PA, [760.0, 759.0])
    assert telemetry.channel_issues["BIG_P"].conflicting_duplicates == 1
    with pytest.raises(InputError, match="two values") as error:
        read_telemetry(path, habitat, strict=True)
    assert error.value.line == 5
    assert error.value.source == str(path)


def test_strict_conflict_line_counts_blank_lines(write: Write, habitat: Habitat) -> None:
    text = (
        "time,channel,value\r\n\r\n2026-05-01T00:00:00Z,BIG_P,1\r\n"
        "2026-05-01T00:00:00Z,FOO,1\r\n\r\n\r\n2026-05-01T00:00:00Z,BIG_P,2\r\n"
    )
    with pytest.raises(InputError, match=r"\(1\.0 and 2\.0\)") as error:
        read_telemetry(write("c.csv", text), habitat, strict=True)
    assert error.value.line == 7


def test_out_of_order_rows_are_counted_then_sorted(write: Write, habitat: Habitat) -> None:
    path = write(
        "o.csv",
        HEADER
        + "2026-05-01T00:00:02Z,BIG_P,3\n"
        + "2026-05-01T00:00:00Z,TUN_T,20\n"
        + "2026-05-01T00:00:00Z,BIG_P,1\n"
        + "2026-05-01T00:00:01Z,BIG_P,2\n"
        + "2026-04-30T23:59:59Z,TUN_T,19\n",
    )
    telemetry = read_telemetry(path, habitat)
    assert telemetry.out_of_order_rows == 2
    assert telemetry.channel_issues["BIG_P"].out_of_order_rows == 1
    np.testing.assert_allclose(telemetry.channel("BIG_P")[1] / MMHG_PA, [1, 2, 3])
    assert telemetry.channel("TUN_T")[0][0] == ns("2026-04-30T23:59:59")


# ----------------------------------------------------------------------------- bad rows


BAD_FILE = (
    HEADER
    + "2026-05-01T00:00:00Z,BIG_P,760\n"  # line 2
    + "\n"  # line 3: blank, ignored
    + "yesterday,BIG_P,760\n"  # line 4: bad time
    + "2026-05-01T00:00:01Z,BIG_P,lots\n"  # line 5: bad value
    + "2026-05-01T00:00:02Z,BIG_P,nan\n"  # line 6: NaN
    + "2026-05-01T00:00:03Z,HATCH,0.5\n"  # line 7: hatch neither 0 nor 1
    + "2026-05-01T00:00:04Z,BIG_P\n"  # line 8: two fields
    + "2026-05-01T00:00:05Z,TUN_T,-inf\n"  # line 9: infinite
    + "2026-05-01T00:00:06Z,,1\n"  # line 10: no channel
    + "2026-05-01T00:00:07Z,HATCH,1\n"  # line 11
)


def test_bad_rows_name_the_first_line_and_count(write: Write, habitat: Habitat) -> None:
    path = write("bad.csv", BAD_FILE)
    with pytest.raises(InputError) as error:
        read_telemetry(path, habitat)
    assert error.value.line == 4
    assert error.value.field == "time"
    assert "7 bad row(s)" in str(error.value)
    assert str(error.value).startswith(f"{path}:4: time: ")


def test_skip_bad_rows_counts_every_one(write: Write, habitat: Habitat) -> None:
    telemetry = read_telemetry(write("bad.csv", BAD_FILE), habitat, skip_bad_rows=True)
    assert telemetry.skipped_rows == 7
    assert telemetry.channels() == ["BIG_P", "HATCH"]
    assert len(telemetry) == 2
    assert telemetry.warnings[0] == "skipped 7 bad row(s)"


def test_slow_path_keeps_the_same_rows_as_the_fast_path(write: Write, habitat: Habitat) -> None:
    good = HEADER + "".join(
        f"2026-05-01T00:00:{s:02d}Z,{c},{v}\n"
        for s in range(20)
        for c, v in (("BIG_P", 760 - s / 10), ("TUN_T", 20 + s / 7), ("FOO", s))
    )
    fast = read_telemetry(write("good.csv", good), habitat)
    slow = read_telemetry(
        write("one-bad.csv", good + "never,BIG_P,1\n"), habitat, skip_bad_rows=True
    )
    pd.testing.assert_frame_equal(fast.samples, slow.samples)
    assert fast.unknown_channels == slow.unknown_channels == {"FOO": 20}
    assert slow.skipped_rows == 1


def test_line_numbers_count_crlf_and_blank_lines(write: Write, habitat: Habitat) -> None:
    text = (
        "time,channel,value\r\n\r\n2026-05-01T00:00:00Z,BIG_P,1\r\n\r\n"
        "2026-05-01T00:00:01Z,BIG_P,x\r\n"
    )
    with pytest.raises(InputError) as error:
        read_telemetry(write("crlf.csv", text), habitat)
    assert error.value.line == 5


def test_non_utf8_row_is_a_bad_row_with_its_line(write: Write, habitat: Habitat) -> None:
    data = (
        HEADER + "2026-05-01T00:00:00Z,BIG_P,1\n"
    ).encode() + b"2026-05-01T00:00:01Z,BIG\xff_P,2\n"
    with pytest.raises(InputError, match="not UTF-8") as error:
        read_telemetry(write("latin.csv", data), habitat)
    assert error.value.line == 3
    assert read_telemetry(write("latin.csv", data), habitat, skip_bad_rows=True).skipped_rows == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"time,channel,value\n", "no data rows"),
        (b"time,channel,value\n\n\n", "no data rows"),
        (b"when,what,how much\n1,2,3\n", "missing header column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfe\x00t\x00i\x00m\x00e", "binary"),
        (b"\xe9t\xe9,channel\n", "not UTF-8"),
        (b"time,A,A\n2026-05-01,1,2\n", "appears twice"),
        (b"\n2026-05-01T00:00:00Z,BIG_P,1\n", "line 1 is empty"),
    ],
)
def test_unreadable_files_are_input_errors(
    write: Write, habitat: Habitat, content: bytes, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_telemetry(write("x.csv", content), habitat)


def test_missing_file_directory_and_fake_parquet(
    tmp_path: Path, write: Write, habitat: Habitat
) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_telemetry(tmp_path / "absent.csv", habitat)
    with pytest.raises(InputError, match="is a directory"):
        read_telemetry(tmp_path, habitat)
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_telemetry(write("x.parquet", HEADER + "2026-05-01,BIG_P,1\n"), habitat)


# ----------------------------------------------------------------------------- wide, Parquet, stdin


def test_wide_csv(write: Write, habitat: Habitat) -> None:
    path = write(
        "wide.csv",
        "time,BIG_P,TUN_T,HATCH,OTHER\n"
        "2026-05-01T00:00:00Z,760,20,1,x\n"
        "2026-05-01T00:00:01Z,,21,,\n"
        "2026-05-01T00:00:02Z,759,,0,y\n",
    )
    telemetry = read_telemetry(path, habitat)
    assert telemetry.channels() == ["BIG_P", "HATCH", "TUN_T"]
    assert telemetry.unknown_channels == {"OTHER": 2}
    times, values = telemetry.channel("BIG_P")
    assert list(times) == [ns("2026-05-01T00:00:00"), ns("2026-05-01T00:00:02")]
    np.testing.assert_allclose(values / MMHG_PA, [760, 759])
    np.testing.assert_allclose(telemetry.channel("TUN_T")[1], [293.15, 294.15])


def test_wide_csv_bad_cell_is_reported(write: Write, habitat: Habitat) -> None:
    text = "time,BIG_P,TUN_T\n2026-05-01T00:00:00Z,760,20\n2026-05-01T00:00:01Z,760,warm\n"
    with pytest.raises(InputError) as error:
        read_telemetry(write("wide.csv", text), habitat)
    assert (error.value.line, error.value.field) == (3, "TUN_T")
    telemetry = read_telemetry(write("wide.csv", text), habitat, skip_bad_rows=True)
    assert telemetry.skipped_rows == 1
    assert len(telemetry) == 2


def test_parquet_with_string_times_and_bad_rows(tmp_path: Path, habitat: Habitat) -> None:
    frame = pd.DataFrame(
        {
            "time": ["2026-05-01T00:00:00Z", "2026-05-01T01:00:00+01:00", "soon"],
            "channel": ["BIG_P", "BIG_P", "BIG_P"],
            "value": [760.0, 759.0, 758.0],
        }
    )
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    with pytest.raises(InputError, match="row 3"):
        read_telemetry(path, habitat)
    telemetry = read_telemetry(path, habitat, skip_bad_rows=True)
    assert telemetry.skipped_rows == 1
    assert telemetry.duplicates_dropped == 0
    assert telemetry.conflicting_duplicates == 1


def test_parquet_missing_columns(tmp_path: Path, habitat: Habitat) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"time": [1], "value": [1.0]}).to_parquet(path)
    with pytest.raises(InputError, match="lacks column"):
        read_telemetry(path, habitat)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin(monkeypatch: pytest.MonkeyPatch, habitat: Habitat) -> None:
    monkeypatch.setattr(
        sys, "stdin", _Stdin((HEADER + "2026-05-01T00:00:00Z,BIG_P,760\n").encode())
    )
    telemetry = read_telemetry("-", habitat)
    assert telemetry.source == "<stdin>"
    assert telemetry.channels() == ["BIG_P"]
    monkeypatch.setattr(sys, "stdin", _Stdin((HEADER + "later,BIG_P,760\n").encode()))
    with pytest.raises(InputError) as error:
        read_telemetry("-", habitat)
    assert (error.value.source, error.value.line) == ("<stdin>", 2)


# ----------------------------------------------------------------------------- the Telemetry object


def test_window_channel_and_hatch_timeline(tmp_path: Path, habitat: Habitat) -> None:
    path = tmp_path / "t.csv"
    write_telemetry(sample_frame(), path)
    telemetry = read_telemetry(path, habitat)
    part = telemetry.window("2026-05-01T00:00:01.5Z", np.datetime64("2026-05-01T00:00:03"))
    assert part.channel("BIG_P")[0].tolist() == telemetry.channel("BIG_P")[0][1:3].tolist()
    assert len(part) == 8
    assert len(telemetry.window(start="2026-05-01T02:00:00+02:00")) == 16
    with pytest.raises(AnalysisError, match="no samples of channel"):
        telemetry.channel("NOPE")
    with pytest.raises(AnalysisError):
        telemetry.window(end="2020-01-01").span()
    configurations = telemetry.hatch_timeline(habitat).configurations(*telemetry.span())
    assert [c.open_hatches for c in configurations] == [frozenset({"Big-Tunnel"}), frozenset()]
    assert configurations[1].start == ns("2026-05-01T00:00:03")
    assert configurations[1].compartments == (("Big",), ("Tunnel",))


# ----------------------------------------------------------------------------- chunks and threads


@pytest.mark.parametrize("masked_channels", [0, 24])
def test_many_chunks_in_parallel_match_one_chunk(
    tmp_path: Path, habitat: Habitat, monkeypatch: pytest.MonkeyPatch, masked_channels: int
) -> None:
    rng = np.random.default_rng(1)
    n = 6000
    names = np.array(["BIG_P", "TUN_T", "HATCH", "FOO", "TUN_P"])
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp("2026-05-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 3000, n), unit="s"),
            "channel": names[rng.integers(0, 5, n)],
            "value": rng.integers(0, 2, n).astype(float),
        }
    )
    path = tmp_path / "shuffled.csv"
    write_telemetry(frame, path)
    single = read_telemetry(path, habitat)
    monkeypatch.setattr(readers, "_BLOCK_SIZE", 4096)
    monkeypatch.setattr(assemble_module, "_PARALLEL_ROWS", 0)
    monkeypatch.setattr(assemble_module, "_MASKED_CHANNELS", masked_channels)
    chunked = read_telemetry(path, habitat)
    pd.testing.assert_frame_equal(single.samples, chunked.samples)
    for field in (
        "unknown_channels",
        "duplicates_dropped",
        "conflicting_duplicates",
        "out_of_order_rows",
        "channel_issues",
    ):
        assert getattr(single, field) == getattr(chunked, field)
    known = frame[frame.channel != "FOO"]
    assert single.unknown_channels == {"FOO": int((frame.channel == "FOO").sum())}
    distinct = known.drop_duplicates(["time", "channel"])
    assert len(single) == len(distinct)
    first = known.groupby(["time", "channel"]).value.transform("first")
    exact = int((known.value == first).sum()) - len(distinct)
    assert single.duplicates_dropped == exact
    assert single.conflicting_duplicates == len(known) - len(distinct) - exact
    for channel in ("BIG_P", "TUN_T"):
        times = single.channel(channel)[0]
        assert np.all(np.diff(times.view(np.int64)) > 0)


# ----------------------------------------------------------------------------- robustness


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_random_bytes_raise_only_hullwatch_errors(
    tmp_path: Path, habitat: Habitat, data: bytes
) -> None:
    for name in ("x.csv", "x.parquet"):
        path = tmp_path / name
        path.write_bytes(data)
        with contextlib.suppress(HullwatchError):
            read_telemetry(path, habitat, skip_bad_rows=bool(len(data) % 2))


_TOKENS = st.sampled_from(
    [
        "time",
        "channel",
        "value",
        "BIG_P",
        "HATCH",
        "TUN_T",
        "FOO",
        ",",
        ",",
        ",",
        "\n",
        "\n",
        "\r\n",
        "2026-05-01T00:00:00Z",
        "2026-05-01T00:00:01+02:00",
        "2026-05-01",
        "99999-01-01T00:00:00Z",
        "1677-01-01T00:00:00Z",
        "1",
        "0",
        "0.5",
        "-1e400",
        "nan",
        "inf",
        "",
        " ",
        '"',
        "é",
        "-",
        "1e5",
        "\x00",
    ]
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.lists(_TOKENS, max_size=40),
    header=st.sampled_from(
        ["time,channel,value\n", "time,BIG_P,HATCH\n", "time,value,channel,extra\n", ""]
    ),
)
def test_random_csv_text_raises_only_hullwatch_errors(
    tmp_path: Path, habitat: Habitat, body: list[str], header: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(header + "".join(body), encoding="utf-8")
    for skip in (False, True):
        try:
            telemetry = read_telemetry(path, habitat, skip_bad_rows=skip)
        except HullwatchError:
            continue
        assert np.isfinite(telemetry.samples["value"]).all()
        assert set(telemetry.channels()) <= set(habitat.channel_map)
