"""Repress plan: hand calculations, the simulator run under the plan (within 5 %), bad bands."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hullwatch.analysis.repress_plan import (
    FLOOR_PA,
    PlanLeak,
    leak_from_rate,
    plan_repress,
    sawtooth,
)
from hullwatch.errors import InputError
from hullwatch.habitat import Channel, Habitat, Hatch, Module
from hullwatch.physics.gas import CABIN_AIR
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import (
    MMHG_PA,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    lb_per_day_to_kg_per_day,
)

TUNNEL_M3 = 5.0
STATION_M3 = 400.0
T_K = 295.15
LOW, HIGH = 660.0, 675.0
REPRESS_KG_PER_H = 2.0

HABITAT = Habitat(
    "tunnel and station",
    (Module("Tunnel", TUNNEL_M3), Module("Station", STATION_M3)),
    (Hatch("Station-Tunnel", ("Station", "Tunnel")),),
    (
        Channel("T_P", "pressure", "mmHg", module="Tunnel"),
        Channel("S_P", "pressure", "mmHg", module="Station"),
    ),
)


def _leak(exponent: float) -> PlanLeak:
    return PlanLeak(lb_per_day_to_kg_per_day(1.0), 760.0 * MMHG_PA, exponent, T_K)


def test_hand_calculation_of_a_hole() -> None:
    """n = 1: t = ln(H/L) / k with k = C R T / V; m = V dP / (R T)."""
    leak = _leak(1.0)
    plan = plan_repress(HABITAT, "Tunnel", LOW * MMHG_PA, HIGH * MMHG_PA, leak)
    rt = CABIN_AIR.gas_constant_j_per_kg_k * T_K
    c = lb_per_day_to_kg_per_day(1.0) / SECONDS_PER_DAY / (760.0 * MMHG_PA)
    k = c * rt / TUNNEL_M3
    decay = np.log(HIGH / LOW) / k
    mass = TUNNEL_M3 * (HIGH - LOW) * MMHG_PA / rt
    assert plan.band.decay_time_s == pytest.approx(decay, rel=1e-9)
    assert plan.band.gas_per_repress_kg == pytest.approx(mass, rel=1e-12)
    assert plan.band.represses_per_day == pytest.approx(SECONDS_PER_DAY / decay, rel=1e-9)
    assert plan.band.gas_per_month_kg == pytest.approx(30 * mass * SECONDS_PER_DAY / decay)
    # The mean leak in the band lies between the leak at LOW and at HIGH.
    assert c * LOW * MMHG_PA * SECONDS_PER_DAY < plan.band.gas_per_day_kg
    assert plan.band.gas_per_day_kg < c * HIGH * MMHG_PA * SECONDS_PER_DAY


def test_hand_calculation_of_a_crack_and_what_holding_lower_buys() -> None:
    """n = 2: t = (1/L - 1/H) / k; holding at 560 instead of 750 saves (560/750)^2 vs ^1."""
    crack = plan_repress(HABITAT, "Tunnel", LOW * MMHG_PA, HIGH * MMHG_PA, _leak(2.0))
    rt = CABIN_AIR.gas_constant_j_per_kg_k * T_K
    c = lb_per_day_to_kg_per_day(1.0) / SECONDS_PER_DAY / (760.0 * MMHG_PA) ** 2
    k = c * rt / TUNNEL_M3
    assert crack.band.decay_time_s == pytest.approx(
        (1 / (LOW * MMHG_PA) - 1 / (HIGH * MMHG_PA)) / k, rel=1e-9
    )
    hole = plan_repress(HABITAT, "Tunnel", LOW * MMHG_PA, HIGH * MMHG_PA, _leak(1.0))
    tops = [round(b.high_pa / MMHG_PA) for b in crack.comparison]
    assert tops == [750, 700, 675, 650, 600, 560]
    assert [b.requested for b in crack.comparison].count(True) == 1

    def saving(plan: Any) -> float:
        return plan.comparison[-1].gas_per_month_kg / plan.comparison[0].gas_per_month_kg

    mid = (560 - 7.5) / (750 - 7.5)
    assert saving(hole) == pytest.approx(mid, rel=2e-3)
    assert saving(crack) == pytest.approx(mid**2, rel=5e-3)
    assert saving(crack) < saving(hole)


def test_intervals_widen_with_the_exponent_away_from_the_measured_pressure() -> None:
    leak = PlanLeak(
        0.45, 700 * MMHG_PA, 1.5, T_K, rate_ci95_kg_per_day=(0.40, 0.50),
        flow_exponent_ci95=(1.2, 1.8),
    )  # fmt: skip
    plan = plan_repress(HABITAT, "Tunnel", LOW * MMHG_PA, HIGH * MMHG_PA, leak)
    widths = []
    for band in plan.comparison:
        lo, hi = band.gas_per_day_ci95_kg  # type: ignore[misc]
        assert lo < band.gas_per_day_kg < hi
        widths.append((hi - lo) / band.gas_per_day_kg)
    # Narrowest near 700 mmHg (where the rate was measured), wider far from it.
    tops = [round(b.high_pa / MMHG_PA) for b in plan.comparison]
    assert widths[tops.index(560)] > widths[tops.index(700)]
    # At the measured pressure only the rate's interval counts: +-11 % there.
    factors = leak.size_factors_at(700 * MMHG_PA)
    assert factors == pytest.approx((0.4 / 0.45, 0.5 / 0.45))


def _hold_run(model: str, source: str, cycles: float) -> tuple[Any, Any]:
    """Simulate the tunnel held in the band, sized to end half-way through a cycle."""
    exponent = 1.0 if model == "orifice" else 2.0
    plan = plan_repress(
        HABITAT,
        "Tunnel",
        LOW * MMHG_PA,
        HIGH * MMHG_PA,
        _leak(exponent),
        source=source,
        repress_rate_kg_per_s=REPRESS_KG_PER_H / SECONDS_PER_HOUR,
    )
    duration_s = plan.band.decay_time_s + cycles * plan.band.period_s
    doc = {
        "simulation": {
            "start": "2026-05-01T00:00:00Z",
            "duration": f"{duration_s:.0f}s",
            "output_interval_s": 1.0,
            "seed": 1,
        },
        "initial": {"pressure_mmHg": 750.0, "modules": {"Tunnel": {"pressure_mmHg": HIGH}}},
        "hatch_events": [{"time": 0, "hatch": "Station-Tunnel", "state": "closed"}],
        "leaks": [{"module": "Tunnel", "model": model, "rate_lb_per_day": 1.0}],
        "pressure_holds": [
            {
                "module": "Tunnel",
                "low_mmHg": LOW,
                "high_mmHg": HIGH,
                "rate_kg_per_h": REPRESS_KG_PER_H,
                "source": "tank" if source == "tank" else "Station",
            }
        ],
        "crew": {"count": 0, "modules": [], "o2_generation_module": None,
                 "co2_removal_modules": []},
        "thermal": {"setpoint_degC": T_K - 273.15, "module_spread_K": 0.0,
                    "orbital_amplitude_K": 0.0, "drift_sigma_K": 0.0, "unseen_sigma_K": 0.0,
                    "unseen_orbital_amplitude_K": 0.0},
    }  # fmt: skip
    return plan, simulate(scenario_from_dict(doc), HABITAT)


@pytest.mark.parametrize(
    ("model", "source"), [("orifice", "tank"), ("viscous_crack", "tank"), ("orifice", "station")]
)
def test_gas_figures_agree_with_the_simulator_run_under_the_plan(model: str, source: str) -> None:
    """The acceptance check: simulator truth vs the plan, within 5 %."""
    cycles = 8
    plan, run = _hold_run(model, source, cycles + 0.5)
    represses = [t for t in run.truth["gas_transfers"] if t["controller"] == "hold"]
    starts = np.array([np.datetime64(t["start"].rstrip("Z")) for t in represses])
    mass = np.array([t["mass_kg"] for t in represses])
    # Represses start at t_decay + j * period: cycles + 1 of them in the run.
    assert len(represses) == cycles + 1
    period_s = float(np.mean(np.diff(starts) / np.timedelta64(1, "s")))
    assert period_s == pytest.approx(plan.band.period_s, rel=0.05)
    first_s = float((starts[0] - np.datetime64("2026-05-01T00:00:00")) / np.timedelta64(1, "s"))
    assert first_s == pytest.approx(plan.band.decay_time_s, rel=0.05)
    assert np.mean(mass) == pytest.approx(plan.band.gas_per_repress_kg, rel=0.05)
    span_d = float((starts[-1] - starts[0]) / np.timedelta64(1, "D"))
    gas_per_day = float(np.sum(mass[:-1])) / span_d
    assert gas_per_day == pytest.approx(plan.band.gas_per_day_kg, rel=0.05)
    assert gas_per_day * 30 == pytest.approx(plan.band.gas_per_month_kg, rel=0.05)
    if source == "station":
        series = run.truth_series
        station = series[series.module == "Station"].pressure_pa.to_numpy()
        drop_pa = station[0] - station[-1]
        expected = plan.band.station_drop_per_repress_pa * len(represses)
        assert drop_pa == pytest.approx(expected, rel=0.05)


def test_sawtooth_stays_in_the_band() -> None:
    plan = plan_repress(HABITAT, "Tunnel", LOW * MMHG_PA, HIGH * MMHG_PA, _leak(2.0))
    t, p = sawtooth(plan, 3.0)
    assert t[-1] <= 3 * SECONDS_PER_DAY
    assert p.min() == pytest.approx(LOW * MMHG_PA, rel=1e-6)
    assert p.max() == pytest.approx(HIGH * MMHG_PA, rel=1e-9)


@pytest.mark.parametrize(
    ("low", "high", "station", "message"),
    [
        (675.0, 660.0, 750.0, "must be below HIGH"),
        (660.0, 660.0, 750.0, "must be below HIGH"),
        (500.0, 560.0, 750.0, "floor"),
        (700.0, 760.0, 750.0, "above the station pressure"),
    ],
)
def test_impossible_bands_are_input_errors(
    low: float, high: float, station: float, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        plan_repress(
            HABITAT,
            "Tunnel",
            low * MMHG_PA,
            high * MMHG_PA,
            _leak(1.0),
            station_pressure_pa=station * MMHG_PA,
        )
    assert pytest.approx(520 * MMHG_PA) == FLOOR_PA


def test_other_bad_input() -> None:
    band = (LOW * MMHG_PA, HIGH * MMHG_PA)
    with pytest.raises(InputError, match="source"):
        plan_repress(HABITAT, "Tunnel", *band, _leak(1.0), source="bottle")
    with pytest.raises(InputError, match="outpace"):
        plan_repress(HABITAT, "Tunnel", *band, _leak(1.0), repress_rate_kg_per_s=1e-7)
    with pytest.raises(InputError, match="rate_kg_per_day"):
        PlanLeak(-1.0, 760 * MMHG_PA, 1.0)
    with pytest.raises(InputError, match="flow_exponent"):
        PlanLeak(0.4, 760 * MMHG_PA, 0.0)


def test_plan_from_a_fitted_leak_matches_the_gas_the_simulator_added(prk_band: Any) -> None:
    """From telemetry: the PrK held at 700-715 mmHg with a 1 lb/day crack, thermal noise on."""
    from hullwatch.analysis.leakrate import leak_rate

    rate = leak_rate(prk_band.to_telemetry(), prk_band.habitat, "PrK")
    leak = leak_from_rate(rate)
    assert leak.origin == "telemetry"
    assert leak.flow_exponent_ci95 is not None
    plan = plan_repress(
        prk_band.habitat,
        "PrK",
        700 * MMHG_PA,
        715 * MMHG_PA,
        leak,
        repress_rate_kg_per_s=REPRESS_KG_PER_H / SECONDS_PER_HOUR,
    )
    lo, hi = plan.band.represses_per_day_ci95  # type: ignore[misc]
    assert lo < plan.band.represses_per_day < hi
    truth = [t for t in prk_band.truth["gas_transfers"] if t["controller"] == "hold"]
    starts = np.array([np.datetime64(t["start"].rstrip("Z")) for t in truth])
    span_d = float((starts[-1] - starts[0]) / np.timedelta64(1, "D"))
    added_per_day = sum(t["mass_kg"] for t in truth[:-1]) / span_d
    assert added_per_day == pytest.approx(plan.band.gas_per_day_kg, rel=0.05)
