"""The live risk cell: the 5 x 5 score of the compartment with the largest estimate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.service.conftest import AUTH, TOKEN

from hullwatch.detect import LeakDetector
from hullwatch.habitat import Habitat
from hullwatch.service import create_app
from hullwatch.service.risk import LiveRiskAssessor
from hullwatch.units import lb_per_day_to_kg_per_day


def test_a_rapid_depress_far_above_the_threshold_scores_likelihood_5(
    habitat: Habitat, depress_csv: str
) -> None:
    threshold = float(lb_per_day_to_kg_per_day(2.0))
    app = create_app(LeakDetector(habitat), token=TOKEN, risk=LiveRiskAssessor(threshold, 90.0))
    with TestClient(app) as client:
        assert client.get("/api/risk").json()["current"] is None  # no estimate yet
        client.post("/api/ingest", content=depress_csv, headers=AUTH)
        risk = client.get("/api/risk").json()
        current = risk["current"]
        # The vent's rate (about 18 kg/day) is already far above 2 lb/day: P(exceed) = 1.
        assert current["compartment"] == ["PrK"]
        assert current["leak_rate_kg_per_day"] > 10 * threshold
        assert current["probability"] == 1.0 and current["likelihood"] == 5
        assert 1 <= current["consequence"] <= 5
        assert current["index"] == current["likelihood"] * current["consequence"]
        assert current["cell"] == f"5x{current['consequence']}"
        assert risk["table"] is None or len(risk["table"]["zone_grid"]) == 5
        index = client.get(
            "/api/history", params={"key": "habitat.risk_index", "strategy": "latest"}
        ).json()
        assert index["values"] == [current["index"]]
        assert client.get("/api/state").json()["risk"] == current
