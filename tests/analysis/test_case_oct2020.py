"""Case study: the isolated-PrK decay of October 2020 (iss-facts.md).

733 -> 643 mmHg in about 12 h with the hatch closed.  An exponential through the two
readings gives tau = 12 h / ln(733/643) = 91.6 h; with the built-in PrK volume of
5.0 m^3 (a calibration parameter) the gas lost is 0.71 kg in 12 h, 1.42 kg/day.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.analysis.conftest import prk_run

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.physics.gas import CABIN_AIR, gas_mass_kg
from hullwatch.units import MMHG_PA

P0_MMHG, P1_MMHG, HOURS = 733.0, 643.0, 12.0


def test_published_decay_gives_tau_92_h_and_1_4_kg_per_day() -> None:
    tau_h = HOURS / np.log(P0_MMHG / P1_MMHG)
    assert tau_h == pytest.approx(92.0, abs=0.5)  # iss-facts.md: tau about 92 h
    lost = gas_mass_kg(
        (P0_MMHG - P1_MMHG) * MMHG_PA, 5.0, 295.15, CABIN_AIR.gas_constant_j_per_kg_k
    )
    assert lost / HOURS * 24 == pytest.approx(1.42, abs=0.01)


def test_rate_recovers_the_2020_leak_from_simulated_gauges() -> None:
    """A choked hole sized to the published decay, read through hullwatch's rate."""
    tau_s = HOURS * 3600 / np.log(P0_MMHG / P1_MMHG)
    m0 = gas_mass_kg(P0_MMHG * MMHG_PA, 5.0, 295.15, CABIN_AIR.gas_constant_j_per_kg_k)
    rate_at_760 = m0 / tau_s * 86400 * 760 / P0_MMHG  # choked: proportional to pressure
    run = prk_run(
        7,
        simulation={"duration": "12h", "seed": 7, "start": "2020-10-14T00:00:00Z"},
        initial={"pressure_mmHg": P0_MMHG},
        leaks=[
            {
                "module": "PrK",
                "model": "orifice",
                "rate_kg_per_day": rate_at_760,
                "reference_pressure_mmHg": 760.0,
            }
        ],
    )
    truth = run.truth["leaks"][0]["mean_rate_kg_per_day"]
    assert truth == pytest.approx(1.42, abs=0.03)
    final = run.truth_series.query("module == 'PrK'").pressure_pa.iloc[-1] / MMHG_PA
    assert final == pytest.approx(P1_MMHG, abs=3.0)
    result = leak_rate(run.to_telemetry(), run.habitat, "PrK")
    lo, hi = result.last.ci95_kg_per_day
    assert lo <= truth <= hi
    assert result.leak_rate_kg_per_day == pytest.approx(truth, rel=0.03)
