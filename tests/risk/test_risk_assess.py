"""assess_risk: the score, its JSON inputs, causality, and the default-table disclaimer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hullwatch.errors import InputError
from hullwatch.risk.assess import CurrentRate, assess_risk
from hullwatch.risk.matrix import load_risk_table
from hullwatch.risk.records import read_rate_history
from hullwatch.units import lb_per_day_to_kg_per_day

LB = float(lb_per_day_to_kg_per_day(1.0))
NOW = np.datetime64("2026-06-01T00:00:00", "ns")


def _what_if(rate_lb: float, **kw):
    return assess_risk(
        "PrK",
        threshold_kg_per_day=2 * LB,
        horizon_days=90.0,
        exposed_volume_m3=916.0,
        current=CurrentRate(rate_lb * LB, None, NOW),
        **kw,
    )


def test_json_holds_every_input_of_the_score() -> None:
    a = _what_if(1.0)
    payload = a.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["score"]["cell"] == a.cell == f"{a.likelihood}x{a.consequence_level}"
    lk = payload["likelihood"]
    for key in (
        "threshold_kg_per_day",
        "horizon_days",
        "probability",
        "probability_now",
        "probability_at_horizon",
        "probability_trend_only",
        "current_rate",
        "trend",
        "steps",
    ):
        assert key in lk
    assert set(payload["consequence"]["metrics"]) == {"reserve_time_days", "gas_loss_kg_per_30d"}
    assert payload["table"]["is_default"] and "NOT the NASA" in payload["table"]["disclaimer"]
    assert any("NOT the NASA" in line for line in payload["reasoning"])


def test_score_rises_with_the_rate() -> None:
    low, high = _what_if(0.5), _what_if(3.5)
    assert low.likelihood == 1 and high.likelihood == 5
    assert high.consequence_level >= low.consequence_level


def test_likelihood_level_follows_the_table() -> None:
    a = _what_if(1.9)
    assert a.likelihood == load_risk_table().likelihood.level(a.exceedance.probability)


def test_history_is_used_causally() -> None:
    history = read_rate_history()
    when = np.datetime64("2024-04-15T00:00:00", "ns")
    a = assess_risk(
        "PrK",
        threshold_kg_per_day=2 * LB,
        horizon_days=90.0,
        exposed_volume_m3=916.0,
        history=history,
        time=when,
    )
    assert all(o.time <= when for o in a.history)
    assert a.current.rate_kg_per_day == pytest.approx(3.7 * LB)
    assert a.current.origin == "history"
    assert [e.time for e in a.steps.events] == sorted(e.time for e in a.steps.events)
    assert all(e.time <= when for e in a.steps.events)


def test_no_rate_at_all_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no leak rate"):
        assess_risk("PrK", threshold_kg_per_day=1.0, horizon_days=90.0, exposed_volume_m3=916.0)
