"""Data-quality problems that reach the detector are named in its result, never silently used."""

from __future__ import annotations

from tests.telemetry.conftest import habitat  # noqa: F401  (the two-module habitat fixture)
from tests.telemetry.test_quality import _build

from hullwatch.detect import detect_leaks


def test_spikes_and_flat_lines_are_reported_with_their_channel_and_time(habitat) -> None:  # noqa: F811
    # The synthetic file has a one-sample spike in BIG_P at 05:00 and TUN_T held flat
    # from 03:00 (tests/telemetry/test_quality.py).
    result = detect_leaks(_build(habitat), habitat)
    big = [w for w in result.warnings if w.startswith("channel BIG_P:")]
    flat = [w for w in result.warnings if w.startswith("channel TUN_T:")]
    assert len(big) == 1 and "1 spike(s), the first at 2026-05-01T05:00" in big[0]
    assert len(flat) == 1 and "flat-lined stretch(es) from 2026-05-01T03:00" in flat[0]
    assert "warnings" in result.to_dict() and big[0] in result.to_dict()["warnings"]
