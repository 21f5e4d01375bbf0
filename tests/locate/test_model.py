"""The locate model on bare loss rates: hypotheses, likelihood, priors, expected posterior."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.locate import (
    DEFAULT_PRIORS,
    LocatePriors,
    build_hypotheses,
    expected_posterior,
    posterior_from_rates,
)
from hullwatch.units import SECONDS_PER_DAY

ISS = load_habitat()
ALL_OPEN = frozenset(ISS.hatch_names)


def _config(*closed: str) -> list[tuple[str, ...]]:
    return [tuple(c) for c in ISS.compartments(ALL_OPEN - set(closed))]


def _posterior(compartments, rates, sigma=0.01, closed=()):
    hypotheses = build_hypotheses(ISS, closed)
    p, rate = posterior_from_rates(
        np.asarray(rates, float), np.full(len(rates), sigma), compartments, ISS, hypotheses
    )
    return {h.name: x for h, x in zip(hypotheses, p, strict=True)}, hypotheses, rate


def test_hypotheses_no_leak_modules_and_closed_seals() -> None:
    hypotheses = build_hypotheses(ISS, ["Zvezda-PrK"])
    names = [h.name for h in hypotheses]
    assert names[0] == "no leak" and names[1:-1] == list(ISS.module_names)
    assert names[-1] == "seal:Zvezda-PrK"
    seal = hypotheses[-1]
    # A seal moves gas between the two sides; with the hatch open it leaves no trace.
    assert list(seal.signature([("Zvezda",), ("PrK",)])) == [1.0, -1.0]
    assert list(seal.signature([("Zvezda", "PrK")])) == [0.0]


def test_isolated_leaking_module_wins() -> None:
    compartments = _config("Zvezda-PrK", "PrK-Progress")
    rates = [0.45 if c == ("PrK",) else 0.0 for c in compartments]
    post, _, rate = _posterior(compartments, rates)
    assert post["PrK"] > 0.99
    assert rate[[h for h in ISS.module_names].index("PrK") + 1] == pytest.approx(0.45, rel=0.05)


def test_modules_never_separated_are_exactly_equal() -> None:
    # Only Zvezda-PrK closed: PrK and Progress share a compartment throughout.
    compartments = _config("Zvezda-PrK")
    rates = [0.45 if "PrK" in c else 0.0 for c in compartments]
    post, _, _ = _posterior(compartments, rates)
    assert post["PrK"] == post["Progress"]
    assert post["PrK"] + post["Progress"] > 0.9


def test_nothing_lost_favours_no_leak() -> None:
    compartments = _config("Zvezda-PrK", "PrK-Progress")
    post, _, _ = _posterior(compartments, [0.0] * len(compartments))
    assert max(post, key=lambda k: post[k]) == "no leak"


def test_gain_on_one_side_and_loss_on_the_other_is_a_seal() -> None:
    compartments = _config("Zvezda-PrK", "PrK-Progress")
    rates = [0.3 if c == ("PrK",) else -0.3 if "Zvezda" in c else 0.0 for c in compartments]
    post, _, _ = _posterior(compartments, rates, sigma=0.02, closed=["Zvezda-PrK"])
    assert max(post, key=lambda k: post[k]) == "seal:Zvezda-PrK"


def test_priors_sum_to_one_and_grid_covers_the_range() -> None:
    hypotheses = build_hypotheses(ISS, ["Zvezda-PrK"])
    prior = np.exp(DEFAULT_PRIORS.log_prior(hypotheses))
    assert prior.sum() == pytest.approx(1.0)
    assert prior[0] == pytest.approx(DEFAULT_PRIORS.prior_no_leak)
    grid, log_w = LocatePriors(leak_min_kg_per_day=0.1, leak_max_kg_per_day=10.0).leak_grid()
    assert grid[0] == pytest.approx(0.1) and grid[-1] == pytest.approx(10.0)
    assert np.exp(log_w).sum() == pytest.approx(1.0)


def test_unknown_module_names_the_field() -> None:
    with pytest.raises(InputError, match="compartments: no module 'Skylab'"):
        _posterior([("Skylab",)], [0.1])


def test_expected_posterior_gains_only_from_separating_holds() -> None:
    hypotheses = build_hypotheses(ISS)
    p = np.zeros(len(hypotheses))
    names = [h.name for h in hypotheses]
    p[names.index("PrK")] = p[names.index("Progress")] = 0.5
    rate = np.full(len(hypotheses), 0.45)
    split = expected_posterior(
        ISS, hypotheses, p, rate, ALL_OPEN - {"Zvezda-PrK", "PrK-Progress"}, SECONDS_PER_DAY
    )
    together = expected_posterior(
        ISS, hypotheses, p, rate, ALL_OPEN - {"Zvezda-PrK"}, SECONDS_PER_DAY
    )
    assert split.information_gain_bits > 0.9  # one bit is all there is to learn
    assert split.p_true_above_95 > 0.9
    assert together.information_gain_bits == pytest.approx(0.0, abs=1e-9)
    # A longer hold resolves a smaller rate.
    week = expected_posterior(
        ISS, hypotheses, p, rate, ALL_OPEN - {"Zvezda-PrK"}, 7 * SECONDS_PER_DAY, samples=10
    )
    assert np.all(week.sigma_kg_per_day < together.sigma_kg_per_day)
    assert np.all(week.minimum_detectable_kg_per_day < together.minimum_detectable_kg_per_day)


def test_expected_posterior_rejects_bad_holds() -> None:
    hypotheses = build_hypotheses(ISS)
    p = np.full(len(hypotheses), 1.0 / len(hypotheses))
    rate = np.full(len(hypotheses), 0.45)
    with pytest.raises(InputError, match="hold_s"):
        expected_posterior(ISS, hypotheses, p, rate, ALL_OPEN, 0.0)
    with pytest.raises(InputError, match="no hatch"):
        expected_posterior(ISS, hypotheses, p, rate, {"Airlock-Moon"}, 3600.0)
