"""The leak rate over time: windows, and each window's rate against the simulator's truth."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.errors import InputError
from hullwatch.report.rolling import MAX_WINDOWS, rolling_leak_rate, window_starts
from hullwatch.validation.rate_mc import true_mean_rate

T0 = np.datetime64("2026-05-01T00:00", "ns")
DAY = np.timedelta64(1, "D")


def test_windows_cover_the_span_and_end_at_its_end() -> None:
    starts = window_starts(T0, T0 + 3 * DAY + np.timedelta64(5, "h"), 86400.0, 43200.0)
    assert starts[0] == T0
    assert starts[-1] + DAY == T0 + 3 * DAY + np.timedelta64(5, "h")
    assert all(b > a for a, b in pairwise(starts))


def test_short_span_has_no_window_and_long_span_is_capped() -> None:
    assert window_starts(T0, T0 + np.timedelta64(12, "h"), 86400.0, 43200.0) == []
    starts = window_starts(T0, T0 + 365 * DAY, 86400.0, 3600.0)
    assert len(starts) == MAX_WINDOWS
    assert starts[0] == T0 and starts[-1] == T0 + 364 * DAY


def test_non_positive_window_is_bad_input() -> None:
    with pytest.raises(InputError):
        window_starts(T0, T0 + DAY, 0.0, 3600.0)


def test_window_rates_are_leak_rate_and_bracket_the_truth(leak_run) -> None:
    """Each window's figure is leak_rate over that window; the truth is in the intervals."""
    telemetry, habitat = leak_run.to_telemetry(), leak_run.habitat
    windows = rolling_leak_rate(telemetry, habitat, "PrK")
    estimated = [w for w in windows if w.leak_rate_kg_per_day is not None]
    assert len(estimated) == 7  # 4 days in 1-day windows every 12 h
    check = leak_rate(telemetry, habitat, "PrK", estimated[3].start, estimated[3].start + DAY)
    assert check.leak_rate_kg_per_day == estimated[3].leak_rate_kg_per_day
    inside = []
    for w in estimated:
        assert w.ci95_kg_per_day is not None
        truth = true_mean_rate(leak_run, w.start, w.end)
        inside.append(w.ci95_kg_per_day[0] <= truth <= w.ci95_kg_per_day[1])
    # Seven overlapping 95 % intervals: the chance that two or more miss, even if they
    # were independent, is under 5 %.
    assert sum(not ok for ok in inside) <= 1
