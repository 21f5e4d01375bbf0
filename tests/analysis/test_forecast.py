"""The pressure forecast: its pieces against analytic results, and one simulated PrK run."""

from __future__ import annotations

import numpy as np
import pytest
from tests.analysis.conftest import prk_run

from hullwatch.analysis.forecast import (
    ForecastSettings,
    ThermalModel,
    _correlation_time_s,
    _envelope,
    first_crossing_s,
    fit_thermal_model,
    forecast_pressure,
)
from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.reserve import plausible_exponents, reserve_time_live
from hullwatch.errors import InputError
from hullwatch.physics.leakflow import power_law_decay_pressure_pa
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, mmhg_to_pa, pa_to_mmhg

END = np.datetime64("2026-05-04T00:00:00", "ns")


def test_first_crossing_interpolates_and_marks_paths_that_never_cross() -> None:
    elapsed = np.array([0.0, 10.0, 20.0])
    paths = np.array([[10.0, 8.0, 6.0], [10.0, 9.5, 9.0], [6.0, 5.0, 4.0]])
    out = first_crossing_s(elapsed, paths, 7.0)
    assert out[0] == pytest.approx(15.0)
    assert np.isinf(out[1])
    assert out[2] == 0.0


def test_envelope_holds_each_stratum_and_keeps_never_as_inf() -> None:
    # An unknown exponent: the interval must hold for whichever stratum is true, so it
    # is the envelope of the strata's intervals, not the mixture's (which is narrower).
    rng = np.random.default_rng(3)
    fast, slow = rng.normal(10.0, 1.0, 3000), rng.normal(20.0, 1.0, 3000)
    values = np.concatenate([fast, slow])
    strata = np.repeat([0, 1], 3000)
    lo, hi = _envelope(values, strata)
    assert lo == pytest.approx(np.percentile(fast, 2.5))
    assert hi == pytest.approx(np.percentile(slow, 97.5))
    mixture_lo = np.percentile(values, 2.5)
    assert lo < mixture_lo
    never = np.concatenate([fast, np.full(3000, np.inf)])
    assert np.isinf(_envelope(never, strata)[1])


def test_correlation_time_of_an_ar1_series() -> None:
    # An AR(1) with phi = exp(-dt/tau) has integral correlation time tau (dt << tau).
    rng = np.random.default_rng(1)
    tau_steps, n = 50.0, 200_000
    phi = np.exp(-1.0 / tau_steps)
    x = np.zeros(n)
    noise = rng.standard_normal(n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + noise[i]
    estimate = _correlation_time_s(x, 60.0, 1e9)
    assert estimate == pytest.approx(tau_steps * 60.0, rel=0.15)


def test_thermal_paths_relax_to_the_mean_and_spread_as_an_ou_process() -> None:
    model = ThermalModel(
        omega_rad_per_s=0.0,
        harmonics=np.zeros(2),
        phase_origin=END,
        ou_sd=1e-3,
        ou_time_s=3600.0,
        last_deviation=2e-3,
        unseen_sd=5e-4,
        unseen_time_s=1800.0,
        walk_per_s=0.0,
    )
    elapsed = np.arange(0.0, 10 * 3600.0 + 1, 300.0)
    times = END + (elapsed * 1e9).astype("timedelta64[ns]")
    paths = model.paths(times, elapsed, 4000, np.random.default_rng(2))
    # Known start: mean -x0 (1 - rho), variance of the innovations sd^2 (1 - rho^2);
    # unknown unseen start: the change has variance 2 sd_u^2 (1 - rho_u).
    for hours in (1.0, 10.0):
        i = int(hours * 3600 / 300)
        rho, rho_u = np.exp(-hours), np.exp(-hours * 2)
        expected_var = 1e-6 * (1 - rho**2) + 2 * 2.5e-7 * (1 - rho_u)
        assert paths[:, i].mean() == pytest.approx(-2e-3 * (1 - rho), abs=4e-5)
        assert paths[:, i].var() == pytest.approx(expected_var, rel=0.1)
    assert np.all(paths[:, 0] == 0.0)


@pytest.fixture(scope="module")
def prk_five_days():
    """The PrK isolated with a 1 lb/day hole; the forecast sees the first 3 days."""
    return prk_run(7, simulation={"duration": "5d", "seed": 7, "start": "2026-05-01T00:00:00Z"})


@pytest.fixture(scope="module")
def forecast(prk_five_days):
    data = prk_five_days.to_telemetry().window(None, END)
    return forecast_pressure(
        data, prk_five_days.habitat, "PrK", mmhg_to_pa(560.0), 2 * SECONDS_PER_DAY
    )


def _true_pressure(result, times):
    rows = result.truth_series[result.truth_series.module == "PrK"]
    t = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return np.interp(times.astype(np.int64), t, rows.pressure_pa.to_numpy())


def test_forecast_band_and_time_hold_the_simulated_truth(prk_five_days, forecast) -> None:
    truth = _true_pressure(prk_five_days, forecast.times)
    inside = (forecast.lo95_pa <= truth) & (truth <= forecast.hi95_pa)
    # A 95 % band, pointwise: most of one run's trajectory lies in it.
    assert inside.mean() >= 0.8
    lo, hi = forecast.ci95_s
    assert lo < forecast.time_to_threshold_s < hi
    rows = prk_five_days.truth_series[prk_five_days.truth_series.module == "PrK"]
    times = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    after = times > forecast.last_sample
    crossing = times[after][np.argmax(rows.pressure_pa.to_numpy()[after] <= mmhg_to_pa(560.0))]
    truth_s = (crossing - forecast.last_sample) / np.timedelta64(1, "s")
    assert lo <= truth_s <= hi


def test_forecast_band_grows_and_starts_at_the_last_reading(forecast) -> None:
    width = forecast.hi95_pa - forecast.lo95_pa
    assert width[-1] > 5 * width[0]
    assert np.all(forecast.lo95_pa <= forecast.hi95_pa)
    assert pa_to_mmhg(forecast.pressure_pa[0]) == pytest.approx(
        pa_to_mmhg(forecast.history[1][-1]), abs=0.01
    )
    assert forecast.times[0] == forecast.last_sample
    assert (forecast.times[-1] - forecast.times[0]) / np.timedelta64(1, "s") == 2 * SECONDS_PER_DAY


def test_central_forecast_is_the_power_law_decay_of_the_fitted_leak(
    prk_five_days, forecast
) -> None:
    # Without its (small, mean-reverting) temperature term the central line is the
    # analytic decay dP/dt = -k P^n of the fitted law, pinned at the window's mean pressure,
    # with the fitted exponent moved into the 1-2 of a leak to vacuum.
    data = prk_five_days.to_telemetry().window(None, END)
    fit = leak_rate(data, prk_five_days.habitat, "PrK")
    s = fit.last
    n = plausible_exponents(s).central
    k = (
        s.leak_rate_kg_per_day
        / SECONDS_PER_DAY
        * fit.gas.gas_constant_j_per_kg_k
        * s.mean_temperature_k
        / s.volume_m3
        / s.mean_pressure_pa**n
    )
    elapsed = (forecast.times - forecast.times[0]) / np.timedelta64(1, "s")
    analytic = power_law_decay_pressure_pa(elapsed, float(forecast.pressure_pa[0]), k, n)
    assert forecast.flow_exponent == n
    # Times the expected swing of the gas temperature (P ∝ T at fixed mass) ...
    thermal, _ = fit_thermal_model(data, prk_five_days.habitat, s)
    swing = np.exp(thermal.mean_path(forecast.times, elapsed))
    assert np.allclose(forecast.pressure_pa, analytic * swing, rtol=1e-9)
    # ... which is small: under 0.5 %, 1.5 K of 295 K.
    assert np.max(np.abs(swing - 1.0)) < 5e-3
    assert analytic[-1] < 0.95 * analytic[0]


def test_forecast_agrees_with_the_live_reserve_time(prk_five_days, forecast) -> None:
    data = prk_five_days.to_telemetry().window(None, END)
    reserve = reserve_time_live(data, prk_five_days.habitat, "PrK", floor_pa=mmhg_to_pa(560.0))
    # Same fitted law; the forecast adds the expected temperature swing (minutes here).
    assert forecast.time_to_threshold_s == pytest.approx(reserve.reserve_time_s, rel=0.02)


def test_forecast_json_has_the_contract_keys(forecast) -> None:
    d = forecast.to_dict()
    for key in (
        "module",
        "compartment",
        "threshold_mmHg",
        "time_to_threshold_h",
        "ci95_h",
        "trajectory",
    ):
        assert key in d
    assert d["module"] == "PrK" and d["compartment"] == ["PrK"]
    assert d["threshold_mmHg"] == pytest.approx(560.0)
    assert set(d["trajectory"][0]) == {"time", "pressure_mmHg", "lo95", "hi95"}
    assert d["trajectory"][0]["time"].endswith("Z")
    assert d["ci95_h"][0] < d["time_to_threshold_h"] < d["ci95_h"][1]
    assert len(d["trajectory"]) == ForecastSettings().trajectory_points


def test_unreached_threshold_is_null_with_a_reason(prk_five_days) -> None:
    data = prk_five_days.to_telemetry().window(None, END)
    result = forecast_pressure(
        data,
        prk_five_days.habitat,
        "PrK",
        mmhg_to_pa(400.0),
        6 * SECONDS_PER_HOUR,
        settings=ForecastSettings(draws=200),
    )
    d = result.to_dict()
    assert d["time_to_threshold_h"] is None and d["ci95_h"] is None
    assert "within the horizon" in d["reason"]
    assert d["probability_reached_in_horizon"] == 0.0


def test_threshold_above_the_current_pressure_is_an_input_error(prk_five_days) -> None:
    data = prk_five_days.to_telemetry().window(None, END)
    with pytest.raises(InputError, match="not below the current pressure"):
        forecast_pressure(data, prk_five_days.habitat, "PrK", mmhg_to_pa(800.0))
    with pytest.raises(InputError, match="horizon"):
        forecast_pressure(data, prk_five_days.habitat, "PrK", mmhg_to_pa(500.0), -1.0)


def test_unidentified_exponent_widens_over_one_to_two_and_says_so(prk_five_days) -> None:
    # One day of a 1 lb/day hole spans too little pressure to tell a hole from a crack.
    data = prk_five_days.to_telemetry().window(None, np.datetime64("2026-05-01T18:00", "ns"))
    result = forecast_pressure(
        data,
        prk_five_days.habitat,
        "PrK",
        mmhg_to_pa(600.0),
        4 * SECONDS_PER_DAY,
        settings=ForecastSettings(draws=400),
    )
    if result.exponent_identified:
        pytest.fail(f"expected an unidentified exponent, got {result.exponent_range}")
    assert result.exponent_range == (1.0, 2.0)
    assert any("1 (hole) to 2 (crack)" in a for a in result.assumptions)
    # n = 1 is the fastest law below the pivot: the central time sits low in its interval.
    lo, hi = result.ci95_s
    assert lo <= result.time_to_threshold_s < 0.5 * (lo + (hi or np.inf))
