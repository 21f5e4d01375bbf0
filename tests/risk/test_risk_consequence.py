"""Consequence: reserve time against tau ln(P/Pmin) and published checks; worst cases; levels."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.errors import InputError
from hullwatch.physics.gas import AIR
from hullwatch.physics.leakflow import Orifice
from hullwatch.risk.consequence import ConsequenceInputs, assess_consequence, reserve_time_s
from hullwatch.risk.matrix import load_risk_table
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, mmhg_to_pa

P760 = float(mmhg_to_pa(760.0))
P520 = float(mmhg_to_pa(520.0))
R = AIR.gas_constant_j_per_kg_k


def test_choked_reserve_time_is_tau_ln_p_over_pmin() -> None:
    """n = 1: T = tau ln(P/Pmin), tau = M / m-dot, M = P V / (R T) (iss-facts.md)."""
    volume, temperature, rate = 916.0, 295.0, 1.2 / SECONDS_PER_DAY
    mass = P760 * volume / (R * temperature)
    tau = mass / rate
    expected = tau * np.log(P760 / P520)
    assert reserve_time_s(rate, volume, P760, P520, 1.0, temperature) == pytest.approx(
        expected, rel=1e-12
    )


def test_viscous_reserve_time_is_the_n2_solution() -> None:
    """n = 2: dP/dt = -k P^2 gives 1/P1 - 1/P0 = k t."""
    volume, temperature, rate = 50.0, 295.0, 0.8 / SECONDS_PER_DAY
    k = rate * R * temperature / (volume * P760**2)
    expected = (1.0 / P520 - 1.0 / P760) / k
    assert reserve_time_s(rate, volume, P760, P520, 2.0, temperature) == pytest.approx(
        expected, rel=1e-12
    )
    # A crack slows as pressure falls: it takes longer than a hole of the same rate.
    assert expected > reserve_time_s(rate, volume, P760, P520, 1.0, temperature)


def test_reserve_time_edges() -> None:
    assert reserve_time_s(1e-3, 10.0, P520, P520) == 0.0
    assert reserve_time_s(0.0, 10.0, P760, P520) == float("inf")
    with pytest.raises(InputError, match="volume"):
        reserve_time_s(1e-3, 0.0, P760, P520)


def _inputs(**kw) -> ConsequenceInputs:
    base = dict(
        rate_upper_kg_per_day=1.0,
        pressure_pa=P760,
        largest_step_factor=None,
        flow_exponent=1.0,
        exposed_volume_m3=916.0,
        reference_pressure_pa=P760,
        floor_pressure_pa=P520,
        temperature_k=295.0,
    )
    base.update(kw)
    return ConsequenceInputs(**base)


def test_two_mm_hole_matches_the_soyuz_ms09_figure() -> None:
    """A 2 mm hole (Cd = 1) in 916 m^3: tau of about 17 days (iss-facts.md, derived)."""
    c = assess_consequence(
        _inputs(hole_area_m2=np.pi * 0.001**2, discharge_coefficient=1.0),
        load_risk_table(),
        "hole",
    )
    tau_days = Orifice(np.pi * 0.001**2, 1.0).time_constant_s(916.0, 295.0) / SECONDS_PER_DAY
    assert tau_days == pytest.approx(17.0, abs=0.5)
    assert c.metrics["reserve_time_days"] == pytest.approx(tau_days * np.log(760 / 520), rel=1e-6)
    assert c.levels["reserve_time_days"] == 4  # 6.4 days to 520 mmHg


@pytest.mark.parametrize("cd", [0.6, 1.0])
def test_six_mm_hole_reaches_the_floor_in_17_to_29_hours(cd: float) -> None:
    """iss-facts.md: a 6 mm choked hole gives 17-29 h to 520 mmHg in 916 m^3 (derived)."""
    c = assess_consequence(
        _inputs(hole_area_m2=np.pi * 0.003**2, discharge_coefficient=cd),
        load_risk_table(),
        "hole",
    )
    hours = c.metrics["reserve_time_days"] * SECONDS_PER_DAY / SECONDS_PER_HOUR
    assert 16.5 <= hours <= 29.5
    assert c.level == 5


def test_largest_step_worst_case_scales_the_upper_bound_and_the_pressure() -> None:
    c = assess_consequence(
        _inputs(largest_step_factor=1.5, pressure_pa=P520, flow_exponent=2.0),
        load_risk_table(),
    )
    assert c.worst_rate_kg_per_day == pytest.approx(1.5)
    assert c.worst_rate_at_reference_kg_per_day == pytest.approx(1.5 * (760 / 520) ** 2)
    assert c.metrics["gas_loss_kg_per_30d"] == pytest.approx(30 * 1.5 * (760 / 520) ** 2)
    assert c.level == max(c.levels.values())
    none_seen = assess_consequence(_inputs(), load_risk_table())
    assert "no step increase" in none_seen.description


def test_worst_case_errors() -> None:
    table = load_risk_table()
    with pytest.raises(InputError, match="unknown worst case"):
        assess_consequence(_inputs(), table, "meteor")
    with pytest.raises(InputError, match="hole area"):
        assess_consequence(_inputs(), table, "hole")
    with pytest.raises(InputError, match="floor"):
        assess_consequence(_inputs(floor_pressure_pa=P760 * 1.1), table)
    rate = assess_consequence(_inputs(worst_rate_kg_per_day=2.0), table, "rate")
    assert rate.worst_rate_kg_per_day == 2.0
