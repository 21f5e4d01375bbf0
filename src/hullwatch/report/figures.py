"""Writing matplotlib figures to files, the same way for every plot hullwatch draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Resolution of every PNG hullwatch writes. [dots per inch]
DPI = 110


def save_figure(fig: Any, path: str | Path) -> Path:
    """Lay out a time-axis figure, write it (PNG, SVG or PDF from the suffix), and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or Path
        Where to write it.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib.pyplot as plt

    fig.autofmt_xdate()
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=DPI)
    plt.close(fig)
    return out
