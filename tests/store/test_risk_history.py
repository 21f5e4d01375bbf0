"""The risk-history store: write, close, reopen, read the trail back."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.errors import InputError
from hullwatch.risk.assess import CurrentRate, assess_risk
from hullwatch.store.risk_history import RiskHistoryStore, default_store_path
from hullwatch.units import lb_per_day_to_kg_per_day

LB = float(lb_per_day_to_kg_per_day(1.0))


def _assessment(rate_lb: float, day: str):
    return assess_risk(
        "PrK",
        threshold_kg_per_day=2 * LB,
        horizon_days=90.0,
        exposed_volume_m3=916.0,
        current=CurrentRate(rate_lb * LB, None, np.datetime64(day, "ns")),
    )


def test_round_trip_keeps_order_inputs_and_modules(tmp_path) -> None:
    path = tmp_path / "state" / "risk.duckdb"
    first, second = _assessment(3.7, "2024-04-15"), _assessment(0.5, "2024-01-01")
    with RiskHistoryStore(path) as store:
        id1 = store.append(first)
        id2 = store.append(second)
        store.append_record("Zvezda", "2024-03-01T00:00:00Z", 1, 1, {"note": "other module"})
    assert id2 > id1
    with RiskHistoryStore(path) as store:
        trail = store.trail("PrK")
        everything = store.trail()
        latest = store.trail("PrK", limit=1)
    # Ordered by the time assessed, not by insertion.
    assert [r.assessed_at[:10] for r in trail] == ["2024-01-01", "2024-04-15"]
    assert [r.cell for r in trail] == [second.cell, first.cell]
    assert trail[1].inputs == first.to_dict()
    assert trail[1].probability == pytest.approx(first.exceedance.probability)
    assert trail[1].rate_kg_per_day == pytest.approx(3.7 * LB)
    assert len(everything) == 3 and [r.id for r in latest] == [id1]
    assert trail[0].recorded_at.endswith("Z")


def test_default_path_follows_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HULLWATCH_STATE_DIR", str(tmp_path))
    assert default_store_path() == tmp_path / "risk_history.duckdb"
    monkeypatch.delenv("HULLWATCH_STATE_DIR")
    assert default_store_path().parent.name == ".hullwatch"


def test_a_file_that_is_not_a_database_is_an_input_error(tmp_path) -> None:
    bad = tmp_path / "risk.duckdb"
    bad.write_text("not a database", "utf-8")
    with pytest.raises(InputError, match="cannot open the risk history"):
        RiskHistoryStore(bad)
