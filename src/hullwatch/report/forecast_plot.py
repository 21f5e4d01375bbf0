"""The forecast picture: measured pressure, the forecast with its 95 % band, the threshold."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np

from hullwatch.analysis.forecast import ForecastResult
from hullwatch.report.figures import save_figure
from hullwatch.units import pa_to_mmhg


def _num(instant: np.datetime64) -> float:
    """A UTC instant as a matplotlib date number."""
    return float(mdates.date2num(instant))


def plot_forecast(result: ForecastResult, path: str | Path) -> Path:
    """Draw the measured pressure, the forecast, its band, the threshold and the crossing.

    Parameters
    ----------
    result : ForecastResult
        From :func:`hullwatch.analysis.forecast.forecast_pressure`.
    path : str or Path
        PNG or SVG file to write.

    Returns
    -------
    Path
        The file written.
    """
    fig, ax = plt.subplots(figsize=(10, 4.5))
    if result.history is not None:
        times, pressure = result.history
        ax.plot(times, pa_to_mmhg(pressure), ".", ms=1.5, color="0.45", label="measured")
    ax.fill_between(
        result.times,
        pa_to_mmhg(result.lo95_pa),
        pa_to_mmhg(result.hi95_pa),
        color="tab:blue",
        alpha=0.25,
        label="95% prediction band",
    )
    n = result.flow_exponent
    ax.plot(
        result.times,
        pa_to_mmhg(result.pressure_pa),
        "-",
        color="tab:blue",
        lw=1.5,
        label=f"forecast (n = {n:.2f}{'' if result.exponent_identified else ', assumed'})",
    )
    threshold = float(pa_to_mmhg(result.threshold_pa))
    ax.axhline(threshold, color="tab:red", lw=1.0, ls="--", label=f"threshold {threshold:g} mmHg")
    if result.ci95_s is not None:
        lo, hi = result.ci95_s
        start = result.last_sample + np.timedelta64(round(lo * 1e9), "ns")
        end = (
            result.times[-1]
            if hi is None
            else result.last_sample + np.timedelta64(round(hi * 1e9), "ns")
        )
        ax.axvspan(
            _num(start), _num(end), color="tab:red", alpha=0.12, label="95% crossing interval"
        )
    if result.time_to_threshold_s is not None:
        crossing = result.last_sample + np.timedelta64(
            round(result.time_to_threshold_s * 1e9), "ns"
        )
        ax.axvline(_num(crossing), color="tab:red", lw=1.0)
        title = f"reaches {threshold:g} mmHg in {result.time_to_threshold_h:.1f} h"
    else:
        title = f"does not reach {threshold:g} mmHg within the horizon"
    ax.axvline(_num(result.last_sample), color="0.3", lw=0.8, ls=":")
    ax.set_title(f"Pressure forecast, {', '.join(result.compartment)}: {title}", fontsize=10)
    ax.set_ylabel("pressure [mmHg]")
    ax.set_xlabel("time [UTC]  (dotted: last sample)")
    ax.legend(loc="best", fontsize=8)
    return save_figure(fig, path)
