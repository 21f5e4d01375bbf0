"""The PrK case study: the shipped figures match iss-facts.md; the replay is causal."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.risk.history import run_case_study
from hullwatch.risk.records import read_rate_history
from hullwatch.units import lb_per_day_to_kg_per_day

LB = float(lb_per_day_to_kg_per_day(1.0))


@pytest.fixture(scope="module")
def study():
    return run_case_study(
        read_rate_history(), threshold_kg_per_day=2 * LB, horizon_days=90.0, exposed_volume_m3=989.8
    )


def test_shipped_figures_are_those_of_iss_facts() -> None:
    rates = {str(o.time)[:7]: o for o in read_rate_history() if o.kind == "rate"}
    assert rates["2019-07"].low_kg_per_day == pytest.approx(0.27)
    assert rates["2019-07"].high_kg_per_day == pytest.approx(0.54)  # kept as a range
    assert rates["2020-08"].mid_kg_per_day == pytest.approx(0.54)
    assert rates["2020-09"].mid_kg_per_day == pytest.approx(1.4)
    assert rates["2024-02"].mid_kg_per_day == pytest.approx(2.4 * LB)
    assert rates["2024-04"].mid_kg_per_day == pytest.approx(3.7 * LB)
    assert rates["2026-05"].mid_kg_per_day == pytest.approx(1.0 * LB)
    assert rates["2026-06"].mid_kg_per_day == pytest.approx(2.0 * LB)
    kinds = {o.kind for o in read_rate_history()}
    assert {"repair", "stable", "config", "risk"} <= kinds


def test_replay_is_causal_and_one_per_figure_date(study) -> None:
    dates = sorted({o.time for o in study.history if o.kind == "rate"})
    assert [a.time for a in study.assessments] == dates
    for a in study.assessments:
        assert all(o.time <= a.time for o in a.history)
        assert a.steps.exposure_days >= 0


def test_verdict_and_sensitivity(study) -> None:
    assert study.programme_5x5 == np.datetime64("2024-07-01")
    assert "5 x 5" in study.verdict()
    firsts = [row["first_likelihood_5"] for row in study.sensitivity]
    known = [f for f in firsts if f is not None]
    # A higher threshold can only be reached later (or never).
    assert known == sorted(known)
    assert len(study.limitations) >= 5
    assert "8 published rate figures" in study.limitations[0]


def test_plot(study, tmp_path) -> None:
    from hullwatch.risk.history import plot_case_study

    out = plot_case_study(study, tmp_path / "history.svg")
    assert out.stat().st_size > 10_000
