"""The repress-plan picture: the planned sawtooth, and what holding lower buys."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.pyplot as plt
import numpy as np

from hullwatch.analysis.repress_plan import DAYS_PER_MONTH, RepressPlan, sawtooth
from hullwatch.report.figures import save_figure
from hullwatch.units import SECONDS_PER_DAY, pa_to_mmhg


def plot_repress_plan(plan: RepressPlan, path: str | Path, days: float = 3.0) -> Path:
    """Draw the planned pressure over ``days`` and the gas per month of each band.

    Parameters
    ----------
    plan : RepressPlan
        From :func:`hullwatch.analysis.repress_plan.plan_repress`.
    path : str or Path
        PNG or SVG file to write.
    days : float
        Length of the sawtooth. [day]

    Returns
    -------
    Path
        The file written.
    """
    fig, (top, bottom) = plt.subplots(1, 2, figsize=(13, 4.8))
    time_s, pressure_pa = sawtooth(plan, days)
    band = plan.band
    top.plot(time_s / SECONDS_PER_DAY, pa_to_mmhg(pressure_pa), color="tab:blue", lw=1.2)
    for level in (band.low_pa, band.high_pa):
        top.axhline(float(pa_to_mmhg(level)), color="0.5", ls="--", lw=0.8)
    top.set_xlabel("days")
    top.set_ylabel("pressure [mmHg]")
    top.set_title(
        f"{', '.join(plan.compartment)} held at {pa_to_mmhg(band.low_pa):.0f}-"
        f"{pa_to_mmhg(band.high_pa):.0f} mmHg: a repress of {band.gas_per_repress_kg:.3f} kg "
        f"every {band.period_s / 3600:.2f} h",
        fontsize=10,
    )
    rows = plan.comparison
    labels = [f"{pa_to_mmhg(b.low_pa):.0f}-{pa_to_mmhg(b.high_pa):.0f}" for b in rows]
    values = np.array([b.gas_per_month_kg for b in rows])
    errors = np.array(
        [
            [
                v - b.gas_per_day_ci95_kg[0] * DAYS_PER_MONTH,
                b.gas_per_day_ci95_kg[1] * DAYS_PER_MONTH - v,
            ]
            if b.gas_per_day_ci95_kg is not None
            else [0.0, 0.0]
            for v, b in zip(values, rows, strict=True)
        ]
    ).T
    colours = ["tab:red" if b.requested else "tab:gray" for b in rows]
    bottom.bar(labels, values, color=colours, yerr=errors, capsize=4)
    bottom.set_xlabel("band [mmHg]  (red: requested; bars: 95 % interval)")
    bottom.set_ylabel("gas per month [kg]")
    bottom.set_title(
        f"What holding lower buys (flow exponent n = {plan.leak.flow_exponent:.2f})", fontsize=10
    )
    return save_figure(fig, path)
