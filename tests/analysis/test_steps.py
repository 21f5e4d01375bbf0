"""Repress and depress steps in a gas-mass series."""

from __future__ import annotations

import numpy as np

from hullwatch.analysis.steps import find_steps, step_mask


def test_finds_a_repress_and_a_depress_in_noise() -> None:
    rng = np.random.default_rng(0)
    mass = 100.0 - 1e-4 * np.arange(1000) + 1e-4 * rng.standard_normal(1000)
    mass[300:] += 0.5  # a repress adds 0.5 kg within one step
    mass[700:] -= 0.2
    steps = find_steps(mass)
    assert [(s.kind, s.first) for s in steps] == [("repress", 299), ("depress", 699)]
    assert abs(steps[0].raw_change_kg - 0.5) < 1e-3


def test_small_steps_below_the_sensor_resolution_are_ignored() -> None:
    mass = np.zeros(200)
    mass[100:] = 0.05
    assert find_steps(mass + 1e-6 * np.sin(np.arange(200)), min_step_kg=0.1) == []


def test_mask_drops_the_step_and_its_settling_time() -> None:
    mass = np.zeros(100)
    mass[50:] = 1.0
    keep = step_mask(100, find_steps(mass + 1e-6 * np.cos(np.arange(100))), settle_points=10)
    assert keep[:49].all() and not keep[49:61].any() and keep[61:].all()
