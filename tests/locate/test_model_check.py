"""The model check: a leak that changed inside the window fits no steady-leak hypothesis."""

from __future__ import annotations

import numpy as np

from hullwatch.habitat import load_habitat
from hullwatch.locate.hypotheses import build_hypotheses
from hullwatch.locate.likelihood import membership, model_check
from hullwatch.locate.posterior import posterior_from_rates

PRK_CLOSED = ("Zvezda-PrK", "PrK-Progress")


def _check(prk_rates: list[float]) -> tuple[str, float]:
    habitat = load_habitat()
    compartments = [("PrK",), ("PrK",)]
    rates = np.array(prk_rates)
    sigmas = np.array([0.002, 0.002])
    hypotheses = build_hypotheses(habitat, [PRK_CLOSED[0]])
    probabilities, _ = posterior_from_rates(rates, sigmas, compartments, habitat, hypotheses)
    best = int(np.argmax(probabilities))
    check = model_check(
        rates,
        sigmas,
        np.asarray(hypotheses[best].signature(compartments), float),
        membership(compartments, habitat.module_names),
    )
    return hypotheses[best].name, check.p_value


def test_a_steady_leak_passes() -> None:
    # Evidence from the PrK alone cannot tell its own leak from gas leaving through its
    # hatch seal; either way one steady leak explains it.
    name, p_value = _check([0.355, 0.352])
    assert name in ("PrK", "seal:Zvezda-PrK") and p_value > 0.05


def test_a_leak_that_returned_inside_the_window_is_flagged() -> None:
    # The demo's story: sealed (no loss), then the leak returns at 0.355 kg/day.
    _, p_value = _check([0.001, 0.355])
    assert p_value < 1e-6
