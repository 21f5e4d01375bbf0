"""The leak rate before, during and after an operation, against a baseline, vs truth."""

from __future__ import annotations

import pytest
from tests.events.conftest import PRK_CLOSED, START, at, run, true_leak_rate

from hullwatch.events import Operation, OperationEvent, detect_events
from hullwatch.events.model import DEFAULT_EVENT_SETTINGS
from hullwatch.events.windows import baseline_span, rate_window


@pytest.fixture(scope="module")
def cargo():
    """Two days of an isolated PrK whose leak triples during a 12 h operation on day 2."""
    result = run(
        {
            "simulation": {"duration": "2d", "seed": 4, "start": START},
            "hatch_events": PRK_CLOSED,
            "leaks": [
                {"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0},
                {
                    "module": "PrK",
                    "model": "orifice",
                    "rate_lb_per_day": 2.0,
                    "onset": "24h",
                    "end": "36h",
                },
            ],
        }
    )
    op = Operation(at("2026-05-02T00:00"), at("2026-05-02T12:00"), "cargo", "unloading", "PrK", 2)
    events = detect_events(result.to_telemetry(), result.habitat, operations=[op])
    (event,) = events.of_kind("operation")
    assert isinstance(event, OperationEvent)
    return result, event


def test_windows_cover_the_data_around_the_operation(cargo) -> None:
    _, event = cargo
    spans = {w.name: (w.start, w.end) for w in event.windows}
    assert spans["baseline"] == (at("2026-05-01T00:00"), at("2026-05-01T12:00"))
    assert spans["before"] == (at("2026-05-01T12:00"), at("2026-05-02T00:00"))
    assert spans["during"] == (at("2026-05-02T00:00"), at("2026-05-02T12:00"))
    assert spans["after"] == (at("2026-05-02T12:00"), at("2026-05-03T00:00"))


def test_window_rates_match_truth_and_the_change_is_seen(cargo) -> None:
    result, event = cargo
    for window in event.windows:
        truth = true_leak_rate(result, window.start, window.end)
        assert window.leak_rate_kg_per_day is not None, window.reason
        # Measured (kg/day, estimate vs truth): baseline 0.445 vs 0.443, before 0.432 vs
        # 0.426, during 1.192 vs 1.186, after 0.354 vs 0.367.
        assert window.leak_rate_kg_per_day == pytest.approx(truth, rel=0.08)
        assert window.compartment == ("PrK",)
    during = event.window("during")
    lo, hi = during.ci95_kg_per_day
    assert lo <= true_leak_rate(result, during.start, during.end) <= hi
    change, interval, reason = during.change_from(event.window("baseline"))
    assert reason is None and interval is not None and interval[0] > 0.4
    before_change = event.window("before").change_from(event.window("baseline"))[1]
    assert before_change is not None and before_change[0] < 0 < before_change[1]
    payload = event.to_dict()
    assert payload["operation"] == "cargo" and payload["module"] == "PrK"
    assert payload["leak_rate"]["during"]["change_vs_baseline_kg_per_day"] == pytest.approx(change)


def test_a_window_too_short_says_so_and_gives_no_number(cargo) -> None:
    result, _ = cargo
    window = rate_window(
        result.to_telemetry(),
        result.habitat,
        "PrK",
        "during",
        at("2026-05-02T00:00"),
        at("2026-05-02T01:00"),
        DEFAULT_EVENT_SETTINGS,
    )
    assert window.leak_rate_kg_per_day is None and window.ci95_kg_per_day is None
    assert window.reason is not None and window.reason.startswith("could not estimate")
    payload = window.to_dict()
    assert payload["leak_rate_kg_per_day"] is None and "reason" in payload


def test_baseline_is_the_longest_stretch_free_of_operations() -> None:
    span = (at("2026-05-01T00:00"), at("2026-05-05T00:00"))
    ops = [
        Operation(at("2026-05-01T12:00"), at("2026-05-01T13:00"), "docking", ""),
        Operation(at("2026-05-04T00:00"), at("2026-05-04T00:00"), "sealant", ""),
    ]
    hour = 3600.0
    assert baseline_span(ops, span, 6 * hour) == (at("2026-05-01T19:00"), at("2026-05-03T18:00"))
    everything = [Operation(span[0], span[1], "cargo", "")]
    assert baseline_span(everything, span, hour) is None
