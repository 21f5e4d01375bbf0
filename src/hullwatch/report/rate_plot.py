"""The leak-rate picture: temperature-compensated gas mass, the fitted leak, the steps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.pyplot as plt

from hullwatch.analysis.leakrate import LeakRateResult
from hullwatch.report.figures import save_figure


def plot_leak_rate(result: LeakRateResult, path: str | Path) -> Path:
    """Draw gas mass per segment with the fitted leak and the repress/depress steps.

    Parameters
    ----------
    result : LeakRateResult
        From :func:`hullwatch.analysis.leakrate.leak_rate`.
    path : str or Path
        PNG or SVG file to write.

    Returns
    -------
    Path
        The file written.
    """
    segments = [s for s in result.segments if s.fitted is not None]
    fig, axes = plt.subplots(
        max(1, len(segments)), 1, figsize=(10, 3.2 * max(1, len(segments))), squeeze=False
    )
    for ax, segment in zip(axes[:, 0], segments, strict=False):
        times, mass, trend = segment.fitted  # type: ignore[misc]
        ax.plot(times, mass, ".", ms=2, color="0.45", label="gas mass (5-min means)")
        ax.plot(
            times,
            trend,
            "-",
            color="tab:red",
            lw=1.5,
            label=f"leak fit: {segment.leak_rate_kg_per_day:.3f} kg/day",
        )
        for step in segment.steps:
            colour = "tab:green" if step.kind == "repress" else "tab:purple"
            ax.axvspan(step.start, step.end, color=colour, alpha=0.3)
        names = ", ".join(segment.compartment[:3]) + ("…" if len(segment.compartment) > 3 else "")
        ax.set_title(f"Compartment {names}", fontsize=10)
        ax.set_ylabel("gas mass [kg]")
        ax.legend(loc="best", fontsize=8)
    axes[-1, 0].set_xlabel("time [UTC]  (green: repress, purple: depress)")
    return save_figure(fig, path)
