"""The report's own pictures: the overview of pressures and gas mass, and the rate over time.

Each function takes results already computed (no analysis runs here) and writes one
file through :func:`hullwatch.report.figures.save_figure`. Long series are drawn as
bin means of at most :data:`MAX_POINTS` points, which keeps the embedded figures small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen on flight-control servers or CI
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

from hullwatch.detect import Alarm
from hullwatch.events.model import Event, GasEvent, HatchEvent
from hullwatch.report.figures import save_figure
from hullwatch.report.rolling import WindowRate
from hullwatch.telemetry.quality import HatchConfiguration
from hullwatch.units import pa_to_mmhg

#: Most points drawn per line.
MAX_POINTS = 1200
#: Most compartments given a gas-mass panel.
MAX_GAS_PANELS = 6

TimeArray = npt.NDArray[np.datetime64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GasMassTrace:
    """Gas mass of one compartment over one configuration.

    Attributes
    ----------
    compartment : tuple of str
        Its modules.
    time : ndarray of datetime64
        UTC.
    mass_kg : ndarray
        Gas mass. [kg]
    """

    compartment: tuple[str, ...]
    time: TimeArray
    mass_kg: FloatArray


def thin(
    times: TimeArray, values: FloatArray, max_points: int = MAX_POINTS
) -> tuple[TimeArray, FloatArray]:
    """Bin means of a series, at most ``max_points`` of them (NaN bins stay NaN).

    Examples
    --------
    >>> t = np.arange(10).astype("datetime64[s]")
    >>> thin(t, np.arange(10.0), 5)[1]
    array([0.5, 2.5, 4.5, 6.5, 8.5])
    """
    n = len(values)
    if n <= max_points:
        return times, values
    edges = np.linspace(0, n, max_points + 1).astype(np.int64)
    ns = times.astype("datetime64[ns]").astype(np.int64).astype(np.float64)
    mid = np.add.reduceat(ns, edges[:-1]) / np.diff(edges)
    finite = np.isfinite(values)
    sums = np.add.reduceat(np.where(finite, values, 0.0), edges[:-1])
    counts = np.add.reduceat(finite.astype(np.float64), edges[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1.0), np.nan)
    return mid.astype(np.int64).astype("datetime64[ns]"), means


def _label(compartment: Sequence[str]) -> str:
    if len(compartment) <= 3:
        return ", ".join(compartment)
    return f"{compartment[0]} and {len(compartment) - 1} more"


def _x(time: np.datetime64) -> float:
    """A UTC time as matplotlib's date number (what its typed axis methods take)."""
    return float(mdates.date2num(time))


def _shade_configurations(ax: plt.Axes, configurations: Sequence[HatchConfiguration]) -> None:
    for k, c in enumerate(configurations):
        ax.axvspan(
            _x(c.start), _x(c.end), color="tab:blue" if k % 2 else "tab:orange", alpha=0.07, lw=0
        )


def _mark_events(ax: plt.Axes, events: Sequence[Event], alarms: Sequence[Alarm]) -> None:
    for event in events:
        if isinstance(event, GasEvent):
            colour = "tab:green" if event.kind == "repress" else "tab:purple"
            ax.axvspan(_x(event.start), _x(event.end), color=colour, alpha=0.35, lw=0)
        elif isinstance(event, HatchEvent):
            ax.axvline(_x(event.start), color="0.35", ls=":", lw=0.8)
    for alarm in alarms:
        ax.axvline(_x(alarm.time), color="tab:red", lw=1.2)


def plot_overview(
    pressures_pa: Mapping[str, tuple[TimeArray, FloatArray]],
    gas_mass: Sequence[GasMassTrace],
    configurations: Sequence[HatchConfiguration],
    events: Sequence[Event],
    alarms: Sequence[Alarm],
    path: str | Path,
    highlight: Sequence[str] = (),
) -> Path:
    """Pressure per module and gas mass per compartment, with events and configurations.

    Parameters
    ----------
    pressures_pa : mapping
        Module -> (times, pressure [Pa]), drawn in mmHg.
    gas_mass : sequence of GasMassTrace
        One per compartment and configuration; one panel per compartment (the first
        :data:`MAX_GAS_PANELS`, in order of appearance).
    configurations : sequence of HatchConfiguration
        Shaded in alternating colours, numbered as in the report's table.
    events : sequence of Event
        Represses (green), depresses (purple), hatch changes (dotted).
    alarms : sequence of Alarm
        Red lines at the time each was raised.
    path : str or Path
        PNG or SVG file.
    highlight : sequence of str
        Modules whose pressure is drawn in colour and named; the others are thin grey
        lines (a station has too many modules to name each); all in colour when empty.

    Returns
    -------
    Path
        The file written.
    """
    compartments: list[tuple[str, ...]] = []
    for trace in gas_mass:
        if trace.compartment not in compartments:
            compartments.append(trace.compartment)
    compartments = compartments[:MAX_GAS_PANELS]
    rows = 1 + len(compartments)
    fig, axes = plt.subplots(
        rows, 1, figsize=(10, 3.4 + 2.2 * len(compartments)), squeeze=False, sharex=True
    )
    ax = axes[0, 0]
    _shade_configurations(ax, configurations)
    named = [m for m in pressures_pa if not highlight or m in highlight]
    others = [m for m in pressures_pa if m not in named]
    for k, module in enumerate(others):
        t, p = thin(*pressures_pa[module], max_points=MAX_POINTS // 4)
        label = f"{len(others)} other module(s)" if k == 0 else None
        ax.plot(t, pa_to_mmhg(p), lw=0.6, color="0.7", label=label)
    for module in named:
        t, p = thin(*pressures_pa[module])
        ax.plot(t, pa_to_mmhg(p), lw=1.0, label=module)
    _mark_events(ax, events, alarms)
    for k, c in enumerate(configurations):
        ax.annotate(
            str(k + 1),
            (c.start, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -10),
            textcoords="offset points",
            fontsize=7,
            color="0.3",
        )
    ax.set_ylabel("pressure [mmHg]")
    ax.set_title("Pressure per module", fontsize=10)
    if pressures_pa:
        ax.legend(loc="best", fontsize=7, ncol=min(4, len(named) + bool(others)))
    for ax, compartment in zip(axes[1:, 0], compartments, strict=True):
        _shade_configurations(ax, configurations)
        for trace in gas_mass:
            if trace.compartment == compartment:
                t, m = thin(trace.time, trace.mass_kg)
                ax.plot(t, m, lw=0.9, color="0.2")
        _mark_events(ax, events, alarms)
        ax.set_ylabel("gas mass [kg]")
        ax.set_title(f"Gas mass of compartment {_label(compartment)}", fontsize=10)
    axes[-1, 0].set_xlabel(
        "time [UTC]   shading: hatch configurations; green: repress; purple: depress; "
        "dotted: hatch change; red: alarm"
    )
    return save_figure(fig, path)


def plot_rate_history(
    windows: Sequence[WindowRate], alarms: Sequence[Alarm], path: str | Path
) -> Path:
    """The leak rate in sliding windows with its 95 % band, one panel per compartment.

    Parameters
    ----------
    windows : sequence of WindowRate
        From :func:`hullwatch.report.rolling.rolling_leak_rate`; those without a rate
        are left out.
    alarms : sequence of Alarm
        The leak alarms of these compartments: a red line at each onset estimate.
    path : str or Path
        PNG or SVG file.

    Returns
    -------
    Path
        The file written.
    """
    estimated = [
        w for w in windows if w.leak_rate_kg_per_day is not None and w.ci95_kg_per_day is not None
    ]
    compartments: list[tuple[str, ...]] = []
    for w in estimated:
        if w.compartment not in compartments:
            compartments.append(w.compartment)
    compartments = compartments[:MAX_GAS_PANELS]
    fig, axes = plt.subplots(
        max(1, len(compartments)),
        1,
        figsize=(10, 1.2 + 2.6 * max(1, len(compartments))),
        squeeze=False,
        sharex=True,
    )
    for ax, compartment in zip(axes[:, 0], compartments, strict=False):
        mine = sorted((w for w in estimated if w.compartment == compartment), key=lambda w: w.start)
        mid = np.array([w.middle for w in mine], dtype="datetime64[ns]")
        rate = np.array([w.leak_rate_kg_per_day for w in mine], dtype=float)
        lo = np.array([w.ci95_kg_per_day[0] for w in mine if w.ci95_kg_per_day], dtype=float)
        hi = np.array([w.ci95_kg_per_day[1] for w in mine if w.ci95_kg_per_day], dtype=float)
        ax.fill_between(mid, lo, hi, color="tab:blue", alpha=0.2, lw=0, label="95 % interval")
        ax.plot(mid, rate, "o-", ms=3, lw=1.0, color="tab:blue", label="leak rate")
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.set_ylabel("leak rate [kg/day]")
        ax.set_title(f"Compartment {_label(compartment)}", fontsize=10)
        ax.legend(loc="best", fontsize=8)
    for ax in axes[:, 0]:
        for alarm in alarms:
            ax.axvline(_x(alarm.onset_estimate), color="tab:red", lw=1.0, ls="--")
    if not compartments:
        axes[0, 0].annotate(
            "no window held enough data for an estimate",
            (0.5, 0.5),
            xycoords="axes fraction",
            ha="center",
        )
    axes[-1, 0].set_xlabel(
        "time [UTC] (middle of each window; red dashes: estimated onset of an alarm)"
    )
    return save_figure(fig, path)
