"""The 5 x 5 matrix picture: zones, the current cell, and its trail over time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hullwatch.report.figures import save_figure
from hullwatch.risk.matrix import DEFAULT_DISCLAIMER, RiskTable

#: Offsets of successive trail points that share a cell, in cell units.
_SPREAD = 0.28


def _positions(trail: Sequence[tuple[int, int]]) -> np.ndarray:
    """Plot positions of the trail: repeated cells fan out on a small circle."""
    seen: dict[tuple[int, int], int] = {}
    counts: dict[tuple[int, int], int] = {}
    for cell in trail:
        counts[cell] = counts.get(cell, 0) + 1
    out = np.zeros((len(trail), 2))
    for i, (likelihood, consequence) in enumerate(trail):
        k = seen.get((likelihood, consequence), 0)
        seen[(likelihood, consequence)] = k + 1
        n = counts[(likelihood, consequence)]
        angle = 2.0 * np.pi * k / n
        radius = 0.0 if n == 1 else _SPREAD
        out[i] = (consequence + radius * np.cos(angle), likelihood + radius * np.sin(angle))
    return out


def plot_risk_matrix(
    table: RiskTable,
    current: tuple[int, int],
    path: str | Path,
    *,
    trail: Sequence[tuple[int, int]] = (),
    trail_labels: Sequence[str] = (),
    title: str = "5 x 5 risk",
) -> Path:
    """Draw the matrix with its zones, the current cell and the trail, to PNG or SVG.

    Parameters
    ----------
    table : RiskTable
        Zones and level labels.
    current : (int, int)
        (likelihood, consequence) now.
    path : str or Path
        Output file; the format follows the suffix.
    trail : sequence of (int, int)
        Earlier cells, oldest first (from the risk history).
    trail_labels : sequence of str
        A short label per trail point (e.g. its date).
    title : str
        Figure title.

    Returns
    -------
    Path
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    for likelihood in range(1, 6):
        for consequence in range(1, 6):
            _name, color = table.zone(likelihood, consequence)
            ax.add_patch(
                Rectangle(
                    (consequence - 0.5, likelihood - 0.5), 1, 1, facecolor=color, edgecolor="white"
                )
            )
    points = [*trail, current]
    xy = _positions(points)
    if len(points) > 1:
        ax.plot(xy[:, 0], xy[:, 1], "-", color="0.3", lw=1.0, zorder=2)
        ax.scatter(xy[:-1, 0], xy[:-1, 1], s=28, color="0.3", zorder=3, label="earlier assessments")
        for (x, y), label in zip(xy[:-1], trail_labels, strict=False):
            ax.annotate(label, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    ax.scatter([xy[-1, 0]], [xy[-1, 1]], s=260, marker="*", color="black", zorder=4, label="now")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("consequence")
    ax.set_ylabel("likelihood")
    ax.set_aspect("equal")
    ax.set_title(f"{title}: {current[0]}x{current[1]}", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.8)
    note = DEFAULT_DISCLAIMER if table.is_default else f"table: {table.name}"
    fig.suptitle(note, fontsize=6, wrap=True)
    return save_figure(fig, path)
