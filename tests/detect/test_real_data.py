"""Real ISS data: the nominal 2019 day raises no leak alarm."""

from __future__ import annotations

from pathlib import Path

from hullwatch.detect import LeakDetector, detect_leaks
from hullwatch.habitat import load_habitat
from hullwatch.telemetry.readers import load_telemetry


def test_nominal_2019_day_raises_no_leak_alarm(real_data: Path) -> None:
    habitat = load_habitat()
    telemetry = load_telemetry(
        real_data / "iss-mimic" / "2019-10-12_lab_day", habitat, isslive_year=2019
    )
    first, last = telemetry.span()
    middle = first + (last - first) / 2
    # The day is the only history there is: learn on its first half, watch the second.
    detector = LeakDetector(habitat, warmup_s=6 * 3600.0)
    result = detect_leaks(
        telemetry.window(middle, None),
        habitat,
        detector=detector,
        history=telemetry.window(None, middle),
    )
    assert detector.noise_models(), "the statistic must have run, not only warmed up"
    assert result.alarms == []
    # Gas steps in the day are cut out of the statistic and reported.
    assert any(e.kind in ("repress", "depress") for e in result.events)
