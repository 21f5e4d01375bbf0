"""ISS-Mimic / ISSLive recordings (real-data/README.md)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hullwatch.errors import HullwatchError, InputError
from hullwatch.habitat import Habitat, load_habitat
from hullwatch.telemetry import isslive_to_utc, load_telemetry, read_isslive
from hullwatch.telemetry.isslive import looks_like_isslive, year_from_path
from hullwatch.units import MMHG_PA, pa_to_mmhg


def ns(text: str) -> np.datetime64:
    return np.datetime64(text, "ns")


@pytest.fixture(scope="module")
def iss() -> Habitat:
    return load_habitat()


# ----------------------------------------------------------------------------- time convention


def test_timestamp_counts_hours_from_31_december() -> None:
    times = isslive_to_utc([0.0, 24.0, 24.5, 283 * 24 + 18 + 21 / 60 + 50 / 3600], 2017)
    assert list(times) == [
        ns("2016-12-31T00:00"),
        ns("2017-01-01T00:00"),
        ns("2017-01-01T00:30"),
        ns("2017-10-10T18:21:50"),
    ]


def test_timestamp_is_rounded_to_the_millisecond() -> None:
    # The first USLAB000058 update of the lab day: day 285 (12 October) + 5.0665283 h.
    assert isslive_to_utc([6845.06652833336], 2019)[0] == ns("2019-10-12T05:03:59.502")


def test_year_outside_the_feed_is_an_input_error() -> None:
    with pytest.raises(InputError, match="outside"):
        isslive_to_utc([1.0], 17)


def test_year_from_path_and_detection(tmp_path: Path) -> None:
    assert year_from_path("/x/2019-10-12_lab_day/USLAB000058.txt") == 2019
    assert year_from_path("/x/recordings/USLAB000058.txt") is None
    folder = tmp_path / "rec"
    folder.mkdir()
    assert not looks_like_isslive(folder)
    (folder / "USLAB000058.txt").write_text("6845.1 742.9 \n")
    (tmp_path / "t.csv").write_text("time,channel,value\n")
    (tmp_path / "x.txt").write_text("time,channel,value\n")
    assert looks_like_isslive(folder)
    assert looks_like_isslive(folder / "USLAB000058.txt")
    assert not looks_like_isslive(tmp_path / "t.csv")
    assert not looks_like_isslive(tmp_path / "x.txt")
    assert not looks_like_isslive("-")


# ----------------------------------------------------------------------------- layouts


def test_pui_folder_sorted_and_unknown_counted(tmp_path: Path, iss: Habitat) -> None:
    folder = tmp_path / "2019-10-12_lab_day"
    folder.mkdir()
    (folder / "USLAB000058.txt").write_text(
        "6845.5 743.0 \n6845.0 742.9 \n6846.0 743.1 \n", encoding="ascii"
    )
    (folder / "USLAB000059.txt").write_text("6845.0 22.5 \n\n6845.25 22.75 \n")
    (folder / "USLAB000032.txt").write_text("6845.0 -3000.1 \n6845.1 -3001.2 \n")
    (folder / "notes.md").write_text("not telemetry")
    telemetry = read_isslive(folder, 2019, iss)
    assert telemetry.channels() == ["USLAB000058", "USLAB000059"]
    assert telemetry.unknown_channels == {"USLAB000032": 2}
    assert telemetry.out_of_order_rows == 1
    times, values = telemetry.channel("USLAB000058")
    assert list(times) == [ns("2019-10-12T05:00"), ns("2019-10-12T05:30"), ns("2019-10-12T06:00")]
    np.testing.assert_allclose(values, np.array([742.9, 743.0, 743.1]) * MMHG_PA)
    np.testing.assert_allclose(telemetry.channel("USLAB000059")[1], [295.65, 295.9])
    assert telemetry.source == str(folder)


def test_eva_test_data_dash_means_no_update(tmp_path: Path, iss: Habitat) -> None:
    path = tmp_path / "TestData.txt"
    path.write_text("6783.5\t744.9\t0\t0\n6783.75\t745.5\t-\t-\n6784.0\t2.5\t1\t-\n")
    telemetry = read_isslive(path, 2017, iss)
    assert telemetry.channels() == ["AIRLOCK000047", "AIRLOCK000048", "AIRLOCK000049"]
    np.testing.assert_allclose(
        pa_to_mmhg(telemetry.channel("AIRLOCK000049")[1]), [744.9, 745.5, 2.5]
    )
    np.testing.assert_array_equal(telemetry.channel("AIRLOCK000047")[1], [0.0, 1.0])
    assert len(telemetry.channel("AIRLOCK000048")[0]) == 1


def test_eva_test_data_fifth_column_is_the_airlock(tmp_path: Path, iss: Habitat) -> None:
    path = tmp_path / "EVA_Test_Data.txt"
    path.write_text("6783.5\t744.9\t0\t0 745\n6783.5\t744.9\t0\t0 -\n6790.0\t744.9\t-\t- 742   \n")
    telemetry = read_isslive(path, 2017, iss)
    np.testing.assert_allclose(pa_to_mmhg(telemetry.channel("AIRLOCK000054")[1]), [745.0, 742.0])
    assert telemetry.duplicates_dropped == 3


def test_chartcache_folder_drops_blank_cells(tmp_path: Path, iss: Habitat) -> None:
    (tmp_path / "chartcache_airlock_pres.txt").write_text("6649.5 742.3\n0.0 0.0\n6650.0 742.2\n")
    (tmp_path / "chartcache_AIRLOCK000049.txt").write_text("0.0 0.0\n6649.5 744.9\n")
    (tmp_path / "chartcache_USLAB000099.txt").write_text("6649.5 1.0\n")
    telemetry = read_isslive(tmp_path, 2017, iss)
    assert len(telemetry.channel("AIRLOCK000054")[0]) == 2
    assert len(telemetry.channel("AIRLOCK000049")[0]) == 1
    assert telemetry.unknown_channels == {"USLAB000099": 1}
    assert telemetry.span()[0] == ns("2017-10-04T01:30")


def test_bad_line_names_file_and_line(tmp_path: Path, iss: Habitat) -> None:
    path = tmp_path / "USLAB000058.txt"
    path.write_text("6845.0 742.9 \n6845.5 sensor-fault \n6846.0 743.1 \n6846.5\n")
    with pytest.raises(InputError) as error:
        read_isslive(path, 2019, iss)
    assert (error.value.source, error.value.line) == (str(path), 2)
    assert "2 bad row(s)" in str(error.value)
    telemetry = read_isslive(path, 2019, iss, skip_bad_rows=True)
    assert telemetry.skipped_rows == 2
    assert len(telemetry) == 2


def test_missing_or_empty_folder(tmp_path: Path, iss: Habitat) -> None:
    with pytest.raises(InputError, match="no such"):
        read_isslive(tmp_path / "absent", 2019, iss)
    with pytest.raises(InputError, match=r"no \.txt files"):
        read_isslive(tmp_path, 2019, iss)


def test_load_telemetry_dispatches_and_needs_a_year(tmp_path: Path, iss: Habitat) -> None:
    folder = tmp_path / "recording"
    folder.mkdir()
    (folder / "USLAB000058.txt").write_text("6845.0 742.9 \n")
    with pytest.raises(InputError, match="--isslive-year"):
        load_telemetry(folder, iss)
    assert load_telemetry(folder, iss, isslive_year=2019).channels() == ["USLAB000058"]
    dated = tmp_path / "2019-10-12_lab_day"
    folder.rename(dated)
    telemetry = load_telemetry(dated, iss)
    assert telemetry.span()[0] == ns("2019-10-12T05:00")
    assert "year taken from the path" in telemetry.warnings[0]


# ----------------------------------------------------------------------------- the real recordings


@pytest.mark.realdata
def test_real_lab_day(real_data: Path, iss: Habitat) -> None:
    telemetry = read_isslive(real_data / "iss-mimic" / "2019-10-12_lab_day", 2019, iss)
    times, values = telemetry.channel("USLAB000058")
    mmhg = pa_to_mmhg(values)
    assert 741.0 < mmhg.min() < mmhg.max() < 748.0
    assert 742.0 < np.median(mmhg) < 746.0
    assert 98_900 < values.mean() < 99_300
    start, end = telemetry.span()
    assert ns("2019-10-12T04:59") <= start < ns("2019-10-12T05:00")
    assert ns("2019-10-13T04:55") <= end < ns("2019-10-13T04:57")
    assert telemetry.unknown_channels["NODE3000011"] == 58_761
    assert np.all(np.diff(times.view(np.int64)) > 0)


@pytest.mark.realdata
def test_real_eva45_crewlock_repress(real_data: Path, iss: Habitat) -> None:
    telemetry = read_isslive(
        real_data / "iss-mimic" / "2017-10-10_EVA45" / "TestData.txt", 2017, iss
    )
    times, values = telemetry.channel("AIRLOCK000049")
    mmhg = pa_to_mmhg(values)
    assert len(times) == 25_767
    during_eva = (times > ns("2017-10-10T13:00")) & (times < ns("2017-10-10T18:00"))
    assert mmhg[during_eva].max() < 2.0
    after = np.flatnonzero((times > ns("2017-10-10T18:00")) & (mmhg > 5.0))
    repress = times[after[0]]
    assert abs(repress - ns("2017-10-10T18:21:50")) < np.timedelta64(60, "s")
    assert mmhg[times > ns("2017-10-10T20:00")].max() > 735.0


@pytest.mark.realdata
def test_real_eva44_chart_cache(real_data: Path, iss: Habitat) -> None:
    telemetry = read_isslive(real_data / "iss-mimic" / "2017-10-05_EVA44", 2017, iss)
    times, values = telemetry.channel("AIRLOCK000049")
    assert len(times) == 69_101
    assert ns("2017-10-04T01:35") <= times[0] < ns("2017-10-04T01:36")
    assert ns("2017-10-09T08:14") <= times[-1] < ns("2017-10-09T08:15")
    low = np.flatnonzero(pa_to_mmhg(values) < 5.0)
    assert abs(times[low[-1] + 1] - ns("2017-10-05T19:00")) < np.timedelta64(60, "s")
    assert telemetry.unknown_channels == {
        "AIRLOCK000050": 8,
        "AIRLOCK000051": 6,
        "USLAB000099": 8,
        "USLAB000100": 8,
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.sampled_from(["6845.5", "742.9", "-", "0.0", " ", "\t", "\n", "x", "nan"]),
            max_size=30,
        ).map(lambda tokens: " ".join(tokens).encode()),
    ),
    name=st.sampled_from(["USLAB000058.txt", "TestData.txt", "chartcache_airlock_pres.txt"]),
)
def test_random_recordings_raise_only_hullwatch_errors(
    tmp_path: Path, iss: Habitat, data: bytes, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    for skip in (False, True):
        with contextlib.suppress(HullwatchError):
            telemetry = read_isslive(path, 2019, iss, skip_bad_rows=skip)
            assert np.isfinite(telemetry.samples["value"]).all()
