"""The leak rate on the real 2019 ISS day: honest about how little one day can tell."""

from __future__ import annotations

import pytest

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.rate import RateSettings
from hullwatch.habitat import load_habitat
from hullwatch.telemetry import load_telemetry

#: Measured ISS background loss from the ppN2 trend, 2004 and 2011 (iss-facts.md) [kg/day].
PUBLISHED_BACKGROUND_KG_PER_DAY = (0.064, 0.227)
#: The station's leak rate reported for 2019, the year of the recording (iss-facts.md) [kg/day].
REPORTED_2019_KG_PER_DAY = (0.27, 0.54)


@pytest.mark.realdata
def test_one_lab_sensor_cannot_pin_the_station_leak(real_data) -> None:
    habitat = load_habitat()
    telemetry = load_telemetry(
        real_data / "iss-mimic" / "2019-10-12_lab_day", habitat, isslive_year=2019
    )
    payload = leak_rate(telemetry, habitat, "Destiny").to_dict()
    lo, hi = payload["ci95_kg_per_day"]
    # The published background and the leak reported that year lie inside the interval:
    # the estimate does not contradict them.
    for published in (*PUBLISHED_BACKGROUND_KG_PER_DAY, *REPORTED_2019_KG_PER_DAY):
        assert lo <= published <= hi
    # One Lab temperature sensor for 990 m^3: the interval must be wide, not a made-up
    # precision.  1 K of unseen drift in a day is 0.34 % of 1.1 t, about 3.7 kg/day.
    assert hi - lo > 2.0
    assert any("temperature channel" in note for note in payload["assumptions"])
    assert len(payload["compartment"]) == 24


@pytest.mark.realdata
def test_the_reml_bias_correction_keeps_one_days_interval_finite(real_data) -> None:
    """The correction moves the correlation time (8 h to 21 h on this day) to where
    the likelihood is flat; the spread must take its curvature at the optimum.

    Taken at the corrected point it was infinite and the interval took t1 (12.7
    against about 2.3): 6.5 times as wide as without the correction.
    """
    habitat = load_habitat()
    telemetry = load_telemetry(
        real_data / "iss-mimic" / "2019-10-12_lab_day", habitat, isslive_year=2019
    )
    corrected = leak_rate(telemetry, habitat, "Destiny").last.ci95_kg_per_day
    plain = leak_rate(
        telemetry, habitat, "Destiny", settings=RateSettings(reml_bias_draws=0)
    ).last.ci95_kg_per_day
    assert corrected is not None and plain is not None
    width, plain_width = corrected[1] - corrected[0], plain[1] - plain[0]
    # A longer correlation time widens the interval, but by the variance's slope, not
    # by the quantile of an unidentified timescale.
    assert plain_width < width < 3.0 * plain_width
