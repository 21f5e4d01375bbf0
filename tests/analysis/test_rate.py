"""The leak-rate estimator on simulated truth: rate, interval, steps, exponent, segments."""

from __future__ import annotations

import numpy as np
import pytest
from tests.analysis.conftest import prk_run

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.rate import RateSettings, _smooth_per_piece, estimate_segments
from hullwatch.errors import AnalysisError, InputError
from hullwatch.validation.rate_mc import true_mean_rate


def _z(value: str) -> np.datetime64:
    return np.datetime64(value.rstrip("Z"), "ns")


def test_band_hold_rate_and_represses_match_truth(prk_band) -> None:
    segment = estimate_segments(prk_band.to_telemetry(), prk_band.habitat, "PrK")[-1]
    truth = true_mean_rate(prk_band, segment.start, segment.end)
    lo, hi = segment.ci95_kg_per_day
    assert lo <= truth <= hi
    assert segment.leak_rate_kg_per_day == pytest.approx(truth, rel=0.02)
    true_represses = [t for t in prk_band.truth["gas_transfers"] if t["kind"] == "repress"]
    found = [s for s in segment.steps if s.kind == "repress"]
    assert len(found) == len(true_represses) >= 5
    for step, true in zip(found, true_represses, strict=True):
        assert abs((step.start - _z(true["start"])) / np.timedelta64(1, "s")) <= 120
        assert step.mass_change_kg == pytest.approx(true["mass_kg"], rel=0.10)


def test_crack_and_hole_are_told_apart_by_the_flow_exponent() -> None:
    crack = prk_run(1, leaks=[{"module": "PrK", "model": "viscous_crack", "rate_lb_per_day": 3.7}])
    hole = prk_run(1, leaks=[{"module": "PrK", "model": "orifice", "rate_lb_per_day": 3.7}])
    n_crack = estimate_segments(crack.to_telemetry(), crack.habitat, "PrK")[-1]
    n_hole = estimate_segments(hole.to_telemetry(), hole.habitat, "PrK")[-1]
    assert n_crack.flow_exponent_ci95[0] <= 2.0 <= n_crack.flow_exponent_ci95[1]
    assert n_crack.flow_exponent_ci95[0] > 1.0
    assert n_hole.flow_exponent_ci95[0] <= 1.0 <= n_hole.flow_exponent_ci95[1]
    assert n_hole.flow_exponent_ci95[1] < 2.0


def test_hatch_change_gives_one_segment_per_configuration() -> None:
    run = prk_run(
        2,
        hatch_events=[
            {"time": "2d", "hatch": "Zvezda-PrK", "state": "closed"},
            {"time": "2d", "hatch": "PrK-Progress", "state": "closed"},
        ],
    )
    result = leak_rate(run.to_telemetry(), run.habitat, "PrK")
    payload = result.to_dict()
    assert [len(s["compartment"]) for s in payload["segments"]] == [24, 1]
    assert payload["compartment"] == ["PrK"]
    assert payload["leak_rate_kg_per_day"] == payload["segments"][-1]["leak_rate_kg_per_day"]
    truth = true_mean_rate(run, result.last.start, result.last.end)
    lo, hi = payload["ci95_kg_per_day"]
    assert lo <= truth <= hi


def test_json_contract_of_formats_md(prk_band) -> None:
    payload = leak_rate(prk_band.to_telemetry(), prk_band.habitat, "PrK").to_dict(("sccm",))
    for key in (
        "module",
        "compartment",
        "start",
        "end",
        "leak_rate_kg_per_day",
        "leak_rate_lb_per_day",
        "ci95_kg_per_day",
        "segments",
        "assumptions",
        "skipped_rows",
        "method",
        "flow_exponent",
        "leak_rate_kg_per_day_at_760mmHg",
        "effective_area_mm2",
        "gas_added_kg",
    ):
        assert key in payload
    assert payload["start"].endswith("Z") and payload["method"] == "gas_mass"
    assert payload["leak_rate_lb_per_day"] == pytest.approx(
        payload["leak_rate_kg_per_day"] / 0.45359237
    )
    assert "choked_cd_0.61" in payload["effective_area_mm2"]
    assert payload["gas_added_kg"] > 0.5
    assert payload["leak_rate_other_units"]["sccm"] > 0


def test_bad_requests_say_so() -> None:
    run = prk_run(0)
    telemetry = run.to_telemetry()
    with pytest.raises(InputError, match="no module"):
        leak_rate(telemetry, run.habitat, "Skylab")
    start = telemetry.span()[0]
    with pytest.raises(AnalysisError, match="could not estimate"):
        leak_rate(telemetry, run.habitat, "PrK", start, start + np.timedelta64(2, "h"))


def test_no_pressure_channel_is_said_plainly() -> None:
    from hullwatch.habitat import Habitat

    run = prk_run(0)
    blind = Habitat(
        run.habitat.name,
        run.habitat.modules,
        run.habitat.hatches,
        tuple(c for c in run.habitat.channels if c.quantity != "pressure"),
    )
    with pytest.raises(AnalysisError, match="no pressure channel"):
        leak_rate(run.to_telemetry(), blind, "PrK")


def test_a_window_inside_represses_gives_no_made_up_number() -> None:
    """Represses back to back leave no decay to fit: the result says so, with no rate."""
    run = prk_run(
        5,
        simulation={"duration": "10h", "seed": 5, "start": "2026-05-01T00:00:00Z"},
        repress=[
            {"module": "PrK", "start": f"{h}h", "duration": "20min", "rate_kg_per_h": 1.0}
            for h in range(10)
        ],
    )
    with pytest.raises(AnalysisError, match="could not estimate"):
        leak_rate(run.to_telemetry(), run.habitat, "PrK")


def test_noise_history_of_the_same_compartment_is_fitted_jointly() -> None:
    """The PrK closed for 4 days; the window is the last 2 days, the history the first 2.

    The history's own leak and intercepts are fitted separately, so the window's
    estimate keeps its truth; only the noise model is shared, and the output says so.
    """
    run = prk_run(4)
    telemetry = run.to_telemetry()
    window = _z("2026-05-03T00:00:00Z")
    alone = leak_rate(telemetry, run.habitat, "PrK", window)
    joint = leak_rate(telemetry, run.habitat, "PrK", window, noise_history_s=2 * 86400.0)
    assert any("fitted jointly with 48 h" in note for note in joint.to_dict()["assumptions"])
    assert not any("jointly" in note for note in alone.to_dict()["assumptions"])
    assert joint.last.noise != alone.last.noise
    truth = true_mean_rate(run, joint.last.start, joint.last.end)
    lo, hi = joint.last.ci95_kg_per_day
    assert lo <= truth <= hi


def test_noise_history_of_another_compartment_is_not_used() -> None:
    """Before the window the hatches were open: that is another compartment's noise."""
    run = prk_run(
        2,
        hatch_events=[
            {"time": "2d", "hatch": "Zvezda-PrK", "state": "closed"},
            {"time": "2d", "hatch": "PrK-Progress", "state": "closed"},
        ],
    )
    telemetry = run.to_telemetry()
    window = _z("2026-05-03T00:00:00Z")
    joint = leak_rate(telemetry, run.habitat, "PrK", window, noise_history_s=2 * 86400.0)
    alone = leak_rate(telemetry, run.habitat, "PrK", window)
    assert any("no usable history" in note for note in joint.to_dict()["assumptions"])
    assert joint.last.ci95_kg_per_day == alone.last.ci95_kg_per_day


def test_noise_loading_follows_the_gas_not_the_reading() -> None:
    # The pressure reading carries the unseen temperature; the loading must not (else,
    # under near-random-walk weights, that noise sits in the regressors). Two pieces:
    # a halving decay and a short hold, read with 5e-4 relative noise.
    rng = np.random.default_rng(7)
    t = np.concatenate((np.linspace(0.0, 4.0, 192), np.linspace(4.2, 4.3, 3)))
    piece = np.concatenate((np.zeros(192, dtype=np.int64), np.ones(3, dtype=np.int64)))
    gas = np.concatenate((0.87 / (1.0 + 0.25 * t[:192]), np.full(3, 0.92)))
    reading = gas * (1.0 + 5e-4 * rng.standard_normal(t.size))
    smooth = _smooth_per_piece(reading, t, piece)
    assert np.max(np.abs(smooth / gas - 1.0)[:192]) < 5e-3  # the curve, within 0.5 %
    # What the reading's noise moves in the loading: a fifth of it or less.
    moved = smooth / _smooth_per_piece(gas, t, piece) - 1.0
    assert np.std(moved[:192]) < 0.2 * 5e-4
    assert np.allclose(smooth[192:], 0.92, rtol=1e-3)  # each piece on its own
    # A piece of one bin keeps its reading.
    assert _smooth_per_piece(np.array([0.5]), np.array([0.0]), np.array([0]))[0] == 0.5


def test_bin_averaged_noise_fits_the_band_hold_with_a_shorter_correlation_time(prk_band) -> None:
    """The exact bin-average noise model (RateSettings.bin_average_noise) end to end.

    Same data: the rate stays within its interval of the truth, and the fitted
    correlation time is shorter than when the bins are read as instants (1.5 times
    too long, :meth:`NoiseModel.bin_average_terms`).  The narrow bins at the
    represses' edges carry their own widths.
    """
    telemetry = prk_band.to_telemetry()
    as_instants = RateSettings(bin_average_noise=False, reml_bias_draws=0)
    instant = estimate_segments(telemetry, prk_band.habitat, "PrK", settings=as_instants)[-1]
    averaged = estimate_segments(
        telemetry, prk_band.habitat, "PrK", settings=RateSettings(reml_bias_draws=0)
    )[-1]
    truth = true_mean_rate(prk_band, averaged.start, averaged.end)
    lo, hi = averaged.ci95_kg_per_day
    assert lo <= truth <= hi
    assert averaged.noise is not None and instant.noise is not None
    assert averaged.noise.bin_width == 1.0 and instant.noise.bin_width == 0.0
    assert averaged.noise.phi < instant.noise.phi


def test_reml_bias_correction_lengthens_the_band_holds_correlation_time(prk_band) -> None:
    """RateSettings.reml_bias_draws: the noise model moves to the corrected time.

    The correction is REML's short bias at the fitted model (about a fifth on two
    days, less on four); the rate stays within its interval of the truth.
    """
    telemetry = prk_band.to_telemetry()
    plain = RateSettings(reml_bias_draws=0)
    corrected = RateSettings()  # the default corrects it
    before = estimate_segments(telemetry, prk_band.habitat, "PrK", settings=plain)[-1]
    after = estimate_segments(telemetry, prk_band.habitat, "PrK", settings=corrected)[-1]
    assert before.noise is not None and after.noise is not None
    assert after.noise.phi > before.noise.phi
    truth = true_mean_rate(prk_band, after.start, after.end)
    lo, hi = after.ci95_kg_per_day
    assert lo <= truth <= hi
