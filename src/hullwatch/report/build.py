"""``build_report``: the one-file HTML report of a recording, from the public analyses.

Examples
--------
The report of a short simulated recording, written and checked for outside links:

>>> from hullwatch.simulate import scenario_from_dict, simulate
>>> sim = simulate(scenario_from_dict({"simulation": {"duration": "3h", "seed": 1}}))
>>> report = build_report(sim.to_telemetry(), sim.habitat, module="PrK")
>>> report.html.startswith("<!DOCTYPE html>") and "http://" not in report.html
True
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hullwatch import __version__
from hullwatch.errors import HullwatchError, InputError
from hullwatch.habitat import Habitat
from hullwatch.report.data import ReportData
from hullwatch.report.html import IMAGE_MIME, page
from hullwatch.report.rolling import DEFAULT_STEP_S, DEFAULT_WINDOW_S
from hullwatch.report.sections import SECTIONS, Section, build_sections
from hullwatch.telemetry import Telemetry


@dataclass
class Report:
    """A built report: the page and what each section holds.

    Attributes
    ----------
    html : str
        The whole self-contained page.
    sections : list of Section
        In page order, with the reason for each one that is not available.
    module : str or None
        The module of interest (None when it could not be chosen).
    seconds : float
        Time taken to build it. [s]
    path : Path or None
        Where :meth:`write` put it.
    """

    html: str
    sections: list[Section]
    module: str | None
    seconds: float
    path: Path | None = field(default=None)

    def write(self, path: str | Path) -> Path:
        """Write the page (UTF-8) to ``path``, creating nothing but the file.

        Raises
        ------
        InputError
            When the folder does not exist or the file cannot be written.
        """
        out = Path(path)
        if not out.parent.is_dir():
            raise InputError(f"folder {out.parent} does not exist", field="--out")
        try:
            out.write_text(self.html, encoding="utf-8")
        except OSError as error:
            raise InputError(f"cannot write {out}: {error.strerror}", field="--out") from error
        self.path = out
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: where it is, how big, and each section's status."""
        return {
            "path": None if self.path is None else str(self.path),
            "bytes": len(self.html.encode("utf-8")),
            "seconds": round(self.seconds, 3),
            "module": self.module,
            "sections": [s.to_dict() for s in self.sections],
        }


def build_report(
    telemetry: Telemetry,
    habitat: Habitat,
    *,
    module: str | None = None,
    source: str = "",
    image_format: str = "svg",
    window_s: float = DEFAULT_WINDOW_S,
    step_s: float = DEFAULT_STEP_S,
    false_alarms_per_year: float = 1.0,
    precomputed: Mapping[str, Any] | None = None,
) -> Report:
    """Run the analyses on a recording and lay them out as one self-contained HTML page.

    Parameters
    ----------
    telemetry : Telemetry
        The recording.
    habitat : Habitat
        The habitat.
    module : str, optional
        The module of interest; by default the most probable leak location in the
        first leak alarm's compartment, or the first module with a pressure channel.
    source : str
        Name of the telemetry source, shown in the report.
    image_format : str
        ``"svg"`` (vector, larger) or ``"png"`` for the embedded figures.
    window_s, step_s : float
        Length and step of the sliding windows of the leak rate over time. [s]
    false_alarms_per_year : float
        The detector's allowed false alarms per compartment. [1/year]
    precomputed : mapping, optional
        Results already computed on this telemetry with default settings, by name
        (:data:`hullwatch.report.data.PRECOMPUTABLE`: ``quality``, ``events``,
        ``detection``, ``rate``, ``current_rate`` (the fit from the latest leak alarm's
        onset on), ``location``); they are not computed again.

    Returns
    -------
    Report

    Raises
    ------
    InputError
        For an unknown module, image format, or a window that is not positive.
    """
    if image_format not in IMAGE_MIME:
        raise InputError(
            f"unknown image format {image_format!r}; use {', '.join(IMAGE_MIME)}",
            field="--image-format",
        )
    if not window_s > 0 or not step_s > 0:
        raise InputError("the rolling window and its step must be positive", field="--window")
    if not false_alarms_per_year > 0:
        raise InputError("the false-alarm rate must be positive", field="false_alarms_per_year")
    started = time.perf_counter()
    data = ReportData(
        telemetry,
        habitat,
        module=module,
        source=source,
        image_format=image_format,
        window_s=window_s,
        step_s=step_s,
        false_alarms_per_year=false_alarms_per_year,
        precomputed=precomputed,
    )
    sections = build_sections(data, SECTIONS)
    try:
        chosen: str | None = data.module
    except HullwatchError:  # no module could be chosen: the sections already say why
        chosen = None
    title = f"hullwatch leak report: {chosen}" if chosen else "hullwatch leak report"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = f"Habitat {habitat.name}; telemetry {source or '(in memory)'}; generated {generated}."
    html = page(
        title,
        meta,
        [(s.key, s.title, s.body_html) for s in sections],
        f"hullwatch {__version__}. One self-contained file: it loads nothing from elsewhere.",
    )
    return Report(html, sections, chosen, time.perf_counter() - started)
