"""The locate picture: gas mass per compartment, hatch configurations shaded."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.pyplot as plt

from hullwatch.locate.posterior import LocateResult
from hullwatch.report.figures import save_figure

#: Most compartments drawn (the most probable ones first).
MAX_PANELS = 8


def _label(compartment: tuple[str, ...]) -> str:
    if len(compartment) <= 3:
        return ", ".join(compartment)
    return f"{compartment[0]} and {len(compartment) - 1} more"


def plot_locate(result: LocateResult, path: str | Path) -> Path:
    """Draw each compartment's gas mass, one panel each, with the configurations shaded.

    Parameters
    ----------
    result : LocateResult
        From :func:`hullwatch.locate.locate_leak`.
    path : str or Path
        PNG or SVG file to write.

    Returns
    -------
    Path
        The file written.
    """
    posterior = result.module_posterior
    compartments = sorted(
        {e.compartment for e in result.evidence.items},
        key=lambda c: -max(posterior.get(m, 0.0) for m in c),
    )[:MAX_PANELS]
    starts = sorted({e.start for e in result.evidence.items})
    fig, axes = plt.subplots(
        len(compartments), 1, figsize=(10, 2.6 * len(compartments)), squeeze=False, sharex=True
    )
    for ax, compartment in zip(axes[:, 0], compartments, strict=True):
        for k, start in enumerate(starts):
            ends = [e.end for e in result.evidence.items if e.start == start]
            ax.axvspan(start, max(ends), color="tab:blue" if k % 2 else "tab:orange", alpha=0.08)
        for item in result.evidence.items:
            if item.compartment != compartment:
                continue
            if item.segment.fitted is None:
                ax.annotate(
                    f"no trend fit; depress {item.depress_kg:.2f} kg = "
                    f"{item.loss_rate_kg_per_day:.3f} kg/day over the configuration",
                    (item.start, 0.5),
                    xycoords=("data", "axes fraction"),
                    fontsize=7,
                )
                continue
            times, mass, trend = item.segment.fitted
            half = 1.96 * item.sigma_kg_per_day
            ax.plot(times, mass, ".", ms=2, color="0.45")
            ax.plot(
                times,
                trend,
                "-",
                color="tab:red",
                lw=1.2,
                label=f"{item.loss_rate_kg_per_day:.3f} ± {half:.3f} kg/day (95 %)",
            )
        p = sum(posterior.get(m, 0.0) for m in compartment)
        ax.set_title(f"{_label(compartment)}  (P leak here: {p:.2f})", fontsize=9)
        ax.set_ylabel("gas mass [kg]")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=7)
    axes[-1, 0].set_xlabel("time [UTC]  (shading: one band per hatch configuration)")
    return save_figure(fig, path)
