"""The isolation strategies of the campaign benchmark and the demo, on a known belief."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hullwatch.habitat import load_habitat
from hullwatch.locate.campaign import (
    RUSSIAN,
    STRATEGIES,
    bisection,
    module_posterior,
    one_by_one,
    sequence_2020,
)
from hullwatch.locate.plan import SHORTEST_USABLE_HOLD_S, hold_bounds, prior_belief


@pytest.fixture(scope="module")
def iss():
    return load_habitat(None)


@pytest.fixture(scope="module")
def prior(iss):
    return replace(prior_belief(iss), leak_rate_kg_per_day=0.45, leak_rate_upper_kg_per_day=1.0)


def test_module_posterior_is_uniform_under_the_prior(iss, prior) -> None:
    post = module_posterior(prior)
    assert set(post) == set(iss.module_names)
    assert sum(post.values()) == pytest.approx(1.0)
    assert np.allclose(list(post.values()), 1 / len(iss.module_names))


def test_bisection_splits_the_modules_most_evenly(iss, prior) -> None:
    closed, hold = bisection(iss, prior, [])
    assert hold is None and len(closed) == 1
    sides = iss.compartments(frozenset(iss.hatch_names) - closed)
    best = min(
        abs(len(iss.compartments(frozenset(iss.hatch_names) - {h})[0]) - 12)
        for h in iss.hatch_names
    )
    assert abs(len(sides[0]) - 12) == best


def test_one_by_one_isolates_a_whole_module(iss, prior) -> None:
    closed, _ = one_by_one(iss, prior, [])
    module = next(m for m in iss.module_names if {n for n, _ in iss.neighbours(m)} == closed)
    assert [module] in [list(c) for c in iss.compartments(frozenset(iss.hatch_names) - closed)]


def test_2020_sequence_starts_with_the_crew_in_the_russian_segment(iss, prior) -> None:
    closed, _ = sequence_2020(iss, prior, [])
    home = iss.compartment_of("Zvezda", frozenset(iss.hatch_names) - closed)
    assert set(home) == {m for m in RUSSIAN if m in iss.module_names}
    second, _ = sequence_2020(iss, prior, [closed])
    assert second == frozenset({"Zarya-Zvezda"})


def test_registry_names_every_strategy() -> None:
    assert set(STRATEGIES) == {"planner", "bisection", "one-by-one", "2020"}


def test_no_hold_is_shorter_than_the_rate_fit_can_use(iss, prior) -> None:
    # A hold the rate fit rejects gives no evidence: the planner must never propose it.
    for hatch in iss.hatch_names:
        shortest, _ = hold_bounds(iss, prior, frozenset({hatch}))
        assert not shortest < SHORTEST_USABLE_HOLD_S
