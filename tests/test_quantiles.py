from __future__ import annotations

import pytest
from scipy import stats

from hullwatch.quantiles import Z95, Z95_ONE_SIDED


def test_quantiles_are_the_normal_points() -> None:
    assert pytest.approx(stats.norm.ppf(0.975), abs=1e-15) == Z95
    assert pytest.approx(stats.norm.ppf(0.95), abs=1e-15) == Z95_ONE_SIDED
