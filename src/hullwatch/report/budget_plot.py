"""The gas-budget picture: each gas's stock over time at each leak case."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.pyplot as plt
import numpy as np

from hullwatch.analysis.gas_budget import GASES, GasBudget
from hullwatch.report.figures import save_figure

_STYLE = {"current": "-", "upper95": "--", "worst_case": ":"}


def stock_curve(
    on_hand_kg: float, deliveries: list[tuple[float, float]], use_kg_per_day: float, days: float
) -> tuple[np.ndarray, np.ndarray]:
    """A stock over ``[0, days]``: falling at ``use_kg_per_day``, stepping up at each delivery.

    Returns
    -------
    day, stock_kg : ndarray
        Corner points of the piecewise-linear stock. [day], [kg]
    """
    day, stock = [0.0], [on_hand_kg]
    for when, kg in sorted(deliveries):
        if when > days:
            break
        level = stock[-1] - use_kg_per_day * (when - day[-1])
        day += [when, when]
        stock += [level, level + kg]
    day.append(days)
    stock.append(stock[-1] - use_kg_per_day * (days - day[-2]))
    return np.array(day), np.array(stock)


def plot_gas_budget(budget: GasBudget, path: str | Path) -> Path:
    """Draw the N2 and O2 stocks over the period at each leak case.

    Parameters
    ----------
    budget : GasBudget
        From :func:`hullwatch.analysis.gas_budget.gas_budget`.
    path : str or Path
        PNG or SVG file to write.

    Returns
    -------
    Path
        The file written.
    """
    stores = budget.stores
    per_flight = stores.delivery_per_flight_kg()
    margins = [c.days_of_margin for c in budget.cases if math.isfinite(c.days_of_margin)]
    days = max([budget.period_days, *[min(m * 1.1, 4 * budget.period_days) for m in margins]])
    fig, axes = plt.subplots(1, len(GASES), figsize=(12, 4.5), squeeze=False)
    for ax, gas in zip(axes[0], GASES, strict=True):
        deliveries = [(d, per_flight[gas]) for d in stores.flight_days]
        for case in budget.cases:
            line = case.lines[gas]
            x, y = stock_curve(stores.on_hand_kg[gas], deliveries, line.use_kg_per_day, days)
            ax.plot(
                x,
                y,
                _STYLE.get(case.name, "-"),
                label=f"{case.name}: {case.rate_kg_per_day:.2f} kg/day of air",
            )
        ax.axhline(0.0, color="k", lw=0.8)
        ax.axvline(budget.period_days, color="0.6", ls="--", lw=0.8)
        ax.set_title(f"{gas} stock" + (" (PLACEHOLDER stores)" if stores.placeholders else ""))
        ax.set_xlabel("days from the start of the period")
        ax.set_ylabel("kg")
        ax.legend(fontsize=8)
    return save_figure(fig, path)
