"""The report's sections: each a heading and a function from :class:`ReportData` to HTML.

Sections are independent. A section whose analysis raises a
:class:`~hullwatch.errors.HullwatchError` shows "not available: <reason>" and the
others go on; a bug (any other exception) still stops the report, so it is seen.
The order of :data:`SECTIONS` is the order of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from hullwatch.analysis.rate import SegmentRate
from hullwatch.detect import Alarm
from hullwatch.errors import HullwatchError
from hullwatch.events.model import GasEvent, HatchEvent, ThermalTransient
from hullwatch.report import outlook
from hullwatch.report.data import LEAK_ALARM_KINDS, ReportData
from hullwatch.report.html import bullet_list, embed_figure, esc, paragraph, table, unavailable
from hullwatch.report.plots import MAX_POINTS, plot_overview, plot_rate_history
from hullwatch.telemetry import iso_z
from hullwatch.units import (
    SECONDS_PER_HOUR,
    kg_per_day_to_lb_per_day,
    kg_per_s_to_kg_per_day,
    pa_to_mmhg,
)

#: Most rows of a long table (events, configurations); the count says the rest.
MAX_ROWS = 60
#: Hypotheses at least this probable are named in the summary. [-]
MIN_LISTED_PROBABILITY = 0.05
#: Most channels listed in the data-quality table.
MAX_CHANNEL_ROWS = 300


@dataclass(frozen=True)
class SectionSpec:
    """One section of the page: an anchor, a heading, and how to build its body."""

    key: str
    title: str
    build: Callable[[ReportData], str]


@dataclass(frozen=True)
class Section:
    """A built section: its HTML body, and the reason it is missing if it is."""

    key: str
    title: str
    body_html: str
    reason: str | None = None

    @property
    def available(self) -> bool:
        """Whether its analysis ran."""
        return self.reason is None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready status (not the HTML)."""
        return {
            "key": self.key,
            "title": self.title,
            "available": self.available,
            "reason": self.reason,
        }


def _kg_day(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _interval(pair: tuple[float, float] | None, digits: int = 3) -> str:
    return "-" if pair is None else f"[{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


def _label(compartment: tuple[str, ...] | list[str]) -> str:
    if len(compartment) <= 3:
        return ", ".join(compartment)
    return f"{compartment[0]} and {len(compartment) - 1} more"


def _more(total: int, shown: int, what: str) -> str:
    return paragraph(f"Showing {shown} of {total} {what}.") if total > shown else ""


# --- summary ------------------------------------------------------------------------------


def _summary_module(data: ReportData) -> str:
    return f"{data.module} ({data.module_reason})."


def _rate_sentence(data: ReportData, segment: SegmentRate, what: str) -> str:
    value = segment.leak_rate_kg_per_day
    if value is None:
        return ""
    lb = float(kg_per_day_to_lb_per_day(value))
    text = (
        f"{value:.3f} kg/day ({lb:.2f} lb/day), 95 % interval "
        f"{_interval(segment.ci95_kg_per_day)} kg/day, for compartment "
        f"{_label(segment.compartment)} from {data.when(segment.start)} to "
        f"{data.when(segment.end)} ({what})"
    )
    if segment.leak_rate_at_reference_kg_per_day is not None:
        text += (
            f"; {segment.leak_rate_at_reference_kg_per_day:.3f} kg/day at 760 mmHg "
            f"(mean pressure {float(pa_to_mmhg(segment.mean_pressure_pa)):.0f} mmHg)"
        )
    return text + "."


def _summary_rate(data: ReportData) -> str:
    if data.rate_start is not None:
        since = data.current_rate.last
        if since.leak_rate_kg_per_day is not None:
            return _rate_sentence(data, since, "since the leak alarm's onset estimate")
        prefix = f"not enough data since the onset estimate yet ({since.reason}). "
    else:
        prefix = ""
    rate = data.rate
    last = rate.last
    if last.leak_rate_kg_per_day is not None:
        return prefix + _rate_sentence(data, last, "the last hatch configuration")
    text = (
        f"{prefix}no estimate for compartment {_label(last.compartment)} since "
        f"{data.when(last.start)}: {last.reason}."
    )
    estimated = [s for s in rate.segments if s.leak_rate_kg_per_day is not None]
    if estimated:
        text += " The last estimate: " + _rate_sentence(
            data, estimated[-1], "an earlier configuration"
        )
    return text


def _alarm_rate(alarm: Alarm) -> str:
    rate = float(kg_per_s_to_kg_per_day(alarm.leak_rate_kg_per_s))
    if alarm.leak_rate_ci95_kg_per_s is None:
        return f"{rate:.3f} kg/day"
    lo, hi = (float(kg_per_s_to_kg_per_day(v)) for v in alarm.leak_rate_ci95_kg_per_s)
    return f"{rate:.3f} kg/day [{lo:.3f}, {hi:.3f}]"


def _summary_onset(data: ReportData) -> str:
    leaks = [a for a in data.module_alarms if a.kind in LEAK_ALARM_KINDS]
    rapid = [a for a in data.module_alarms if a.kind == "rapid_depress"]
    watched = [
        e
        for e in data.detection.events
        if e.kind == "model_ready" and data.module in e.detail.get("compartment", ())
    ]
    if not leaks and not watched:
        text = (
            f"no leak alarm, but the detector never watched {data.module}'s compartment: it "
            f"first learns each compartment's noise over "
            f"{data.detector.warmup_s / SECONDS_PER_HOUR:g} h of its data, so a shorter "
            "recording cannot raise one."
        )
    elif not leaks:
        text = (
            f"no leak alarm for {data.module}'s compartment, watched from "
            f"{data.when(watched[0].start)} (the detector is set for "
            f"{data.false_alarms_per_year:g} false alarm per compartment per year)."
        )
    else:
        a = leaks[0]
        text = (
            f"leak alarm raised {data.when(a.time)} for compartment {_label(a.compartment)}; "
            f"onset estimated {data.when(a.onset_estimate)} (95 %: {data.when(a.onset_ci95[0])} "
            f"to {data.when(a.onset_ci95[1])}); rate since the onset {_alarm_rate(a)}."
        )
        if len(leaks) > 1:
            text += f" {len(leaks) - 1} later leak alarm(s) follow (see Alarms and events)."
    if rapid:
        text += f" {len(rapid)} rapid-depress alarm(s), the first {data.when(rapid[0].time)}."
    return text


def _summary_location(data: ReportData) -> str:
    result = data.location
    ranked = sorted(
        zip(result.hypotheses, result.probabilities, strict=True), key=lambda hp: -float(hp[1])
    )
    likely = [f"{h.name} {float(p):.2f}" for h, p in ranked if p >= MIN_LISTED_PROBABILITY]
    best = result.most_likely
    window = (
        f"from the alarm's onset estimate {data.when(data.location_start)}"
        if data.location_start is not None
        else "over the whole recording"
    )
    return (
        f"most likely {ranked[0][0].name} (posterior: {', '.join(likely)}); among the "
        f"modules alone, {best} {result.module_posterior[best]:.2f}; evidence {window}."
    )


def _summary_quality(data: ReportData) -> str:
    lines = data.quality.summary_lines()
    return "; ".join(lines[:3]) + "."


#: The summary's items: label and sentence, each computed on its own.
SUMMARY_ITEMS: tuple[tuple[str, Callable[[ReportData], str]], ...] = (
    ("Module", _summary_module),
    ("Leak rate", _summary_rate),
    ("Onset", _summary_onset),
    ("Location", _summary_location),
    ("Forecast", lambda d: outlook.forecast(d).summary),
    ("Gas margin", lambda d: outlook.gas_budget(d).summary),
    ("Risk cell", lambda d: outlook.risk(d).summary),
    ("Data quality", _summary_quality),
)


def summary_section(data: ReportData) -> str:
    """The findings in words, one line each; a line whose analysis failed says why."""
    rows = []
    for label, sentence in SUMMARY_ITEMS:
        try:
            text = esc(sentence(data))
        except HullwatchError as error:
            text = f'<span class="unavailable">not available: {esc(error)}</span>'
        rows.append(f"<dt>{esc(label)}</dt><dd>{text}</dd>")
    first, last = data.span
    intro = paragraph(
        f"Telemetry {data.source or '(in memory)'} on habitat {data.habitat.name}, "
        f"{data.when(first)} to {data.when(last)}."
    )
    return intro + f'<dl class="summary">{"".join(rows)}</dl>'


# --- plots --------------------------------------------------------------------------------


def overview_section(data: ReportData) -> str:
    """Pressures and gas mass per compartment, with events and hatch configurations."""
    notes: list[str] = []
    pressures = data.pressures_pa
    gas = data.optional(lambda: data.gas_mass, notes, "gas mass") or []
    events = data.optional(lambda: data.events.events, notes, "events") or []
    alarms = data.optional(lambda: data.detection.alarms, notes, "alarms") or []
    quality = data.optional(lambda: data.quality, notes, "hatch configurations")
    configurations = [] if quality is None else quality.hatch_configurations
    highlight = [data.module] if data.optional(lambda: data.module, notes, "module") else []
    highlight += [t.compartment[0] for t in gas]
    figure = embed_figure(
        partial(plot_overview, pressures, gas, configurations, events, alarms, highlight=highlight),
        data.image_format,
        "Pressure per module and gas mass per compartment over time",
        "Pressure of each module and temperature-compensated gas mass of each compartment "
        f"(bin means of at most {MAX_POINTS} points per line, {MAX_POINTS // 4} for the grey "
        "ones). Shaded bands are the numbered hatch "
        "configurations below.",
    )
    html = figure + bullet_list(notes)
    if quality is not None and configurations:
        rows = [
            (
                k + 1,
                iso_z(c.start)[:16],
                iso_z(c.end)[:16],
                ", ".join(c.closed) or "none",
                c.compartments,
            )
            for k, c in enumerate(configurations[:MAX_ROWS])
        ]
        html += "<h3>Hatch configurations</h3>" + table(
            ("#", "start (UTC)", "end (UTC)", "closed hatches", "compartments"), rows, (0, 4)
        )
        html += _more(quality.hatch_configuration_count, len(rows), "configurations")
    return html


def rate_section(data: ReportData) -> str:
    """The leak rate per configuration, in sliding windows, and the fit behind it."""
    from hullwatch.report.rate_plot import plot_leak_rate

    rate = data.rate
    rows = []
    for s in rate.segments:
        represses = sum(1 for st in s.steps if st.kind == "repress")
        rows.append(
            (
                iso_z(s.start)[:16],
                iso_z(s.end)[:16],
                _label(s.compartment),
                _kg_day(s.leak_rate_kg_per_day),
                _interval(s.ci95_kg_per_day),
                represses,
                s.reason or "",
            )
        )
    html = paragraph(
        f"Leak rate of {data.module}'s compartment, one estimate per hatch configuration "
        "(gas mass per day, temperature-compensated, through repressurizations)."
    ) + table(
        (
            "start (UTC)",
            "end (UTC)",
            "compartment",
            "kg/day",
            "95 % interval",
            "represses",
            "no estimate because",
        ),
        rows,
        (3, 5),
    )
    notes: list[str] = []
    windows = data.optional(lambda: data.rolling, notes, "the rolling leak rate")
    alarms = data.optional(lambda: data.module_alarms, notes, "alarms") or []
    if windows is not None:
        hours = data.window_s / 3600.0
        html += embed_figure(
            partial(plot_rate_history, windows, [a for a in alarms if a.kind in LEAK_ALARM_KINDS]),
            data.image_format,
            "Leak rate over time with its 95 % interval band",
            f"The same estimator in {hours:g}-hour windows every {data.step_s / 3600.0:g} h; "
            "the band is each window's 95 % interval. Windows cut by a hatch change too short "
            "to estimate are left out.",
        )
    if any(s.fitted is not None for s in rate.segments):
        html += embed_figure(
            partial(plot_leak_rate, rate),
            data.image_format,
            "Gas mass with the fitted leak per configuration",
            "Gas mass (5-minute means) with the fitted leak; green: repress, purple: depress.",
        )
    return html + bullet_list(notes + rate.to_dict()["assumptions"])


def location_section(data: ReportData) -> str:
    """The posterior over where the leak is, and the evidence per configuration."""
    from hullwatch.locate.plot import plot_locate

    result = data.location
    ranked = sorted(
        zip(result.hypotheses, result.probabilities, result.leak_rate_kg_per_day, strict=True),
        key=lambda row: -row[1],
    )
    rows = [(h.name, h.kind, f"{p:.3f}", f"{r:.3f}") for h, p, r in ranked[:12] if p >= 1e-4] or [
        (h.name, h.kind, f"{p:.3f}", f"{r:.3f}") for h, p, r in ranked[:3]
    ]
    html = paragraph(
        "Posterior probability of each place the leak could be (a module, a hatch seal, or "
        "no leak), from the gas lost by each compartment in each hatch configuration."
    ) + table(("hypothesis", "kind", "probability", "leak rate given it [kg/day]"), rows, (2, 3))
    if result.check is not None:
        html += paragraph(
            f"Model check of the most probable hypothesis: chi-square {result.check.chi2:.1f} "
            f"on {result.check.dof} degrees of freedom (p = {result.check.p_value:.3f})."
        )
    if result.evidence.items:
        html += embed_figure(
            partial(plot_locate, result),
            data.image_format,
            "Gas mass per compartment with the fitted loss per configuration",
            "Each compartment's gas mass and fitted loss rate in each configuration "
            "(most probable compartments first).",
        )
    return html + bullet_list(result.assumptions)


def alarms_events_section(data: ReportData) -> str:
    """Every alarm, and the events found (represses, depresses, hatches, thermal)."""
    notes: list[str] = []
    detection = data.optional(lambda: data.detection, notes, "alarms")
    html = ""
    if detection is not None:
        if detection.alarms:
            alarm_rows = [
                (
                    iso_z(a.time)[:16],
                    a.kind,
                    _label(a.compartment),
                    iso_z(a.onset_estimate)[:16],
                    _alarm_rate(a),
                    a.message,
                )
                for a in detection.alarms
            ]
            html += "<h3>Alarms</h3>" + table(
                ("raised (UTC)", "kind", "compartment", "onset (UTC)", "rate", "message"),
                alarm_rows,
            )
        else:
            html += paragraph(
                f"No alarm (detector threshold {detection.threshold:.2f}, set for "
                f"{detection.false_alarms_per_year:g} false alarm per compartment per year)."
            )
    events = data.optional(lambda: data.events, notes, "events")
    if events is not None:
        rows: list[tuple[str, str, str, str]] = []
        for e in events.events[:MAX_ROWS]:
            if isinstance(e, GasEvent):
                detail = f"{_label(e.compartment)}: {e.mass_change_kg:+.3f} kg"
            elif isinstance(e, HatchEvent):
                detail = e.hatch + (" (inferred from pressures)" if e.inferred else "")
            elif isinstance(e, ThermalTransient):
                detail = f"{_label(e.compartment)}: {e.temperature_change_k:+.2f} K"
            else:
                detail = ""
            rows.append((e.kind, iso_z(e.start)[:16], iso_z(e.end)[:16], detail))
        html += "<h3>Events</h3>"
        html += (
            table(("kind", "start (UTC)", "end (UTC)", "detail"), rows)
            if rows
            else paragraph("No events found.")
        )
        html += _more(len(events.events), len(rows), "events")
    return html + bullet_list(notes)


# --- forecast, gas budget, risk -----------------------------------------------------------


def forecast_section(data: ReportData) -> str:
    """The pressure forecast (from :mod:`hullwatch.report.outlook`)."""
    return outlook.forecast(data).body_html


def gas_budget_section(data: ReportData) -> str:
    """The gas budget (from :mod:`hullwatch.report.outlook`)."""
    return outlook.gas_budget(data).body_html


def risk_section(data: ReportData) -> str:
    """The 5 x 5 risk matrix (from :mod:`hullwatch.report.outlook`)."""
    return outlook.risk(data).body_html


# --- data quality and methods -------------------------------------------------------------


def quality_section(data: ReportData) -> str:
    """What was read, what is missing, what looks wrong, and every analysis's warnings."""
    q = data.quality
    html = bullet_list(q.summary_lines())
    rows = []
    for c in q.channels[:MAX_CHANNEL_ROWS]:
        interval = "-" if c.median_interval_s is None else f"{c.median_interval_s:g}"
        rows.append(
            (
                c.channel.id,
                c.channel.quantity,
                c.channel.module or c.channel.hatch or "",
                c.samples,
                interval,
                c.gap_count,
                c.flat_line_count,
                c.spike_count,
            )
        )
    html += "<h3>Channels</h3>" + table(
        (
            "channel",
            "quantity",
            "module / hatch",
            "samples",
            "median interval [s]",
            "gaps",
            "flat lines",
            "spikes",
        ),
        rows,
        (3, 4, 5, 6, 7),
    )
    html += _more(len(q.channels), len(rows), "channels")
    if q.signal_gaps:
        gaps = [
            (iso_z(g.start)[:19], iso_z(g.end)[:19], f"{g.duration_s:.0f}")
            for g in q.signal_gaps[:MAX_ROWS]
        ]
        html += "<h3>Loss of signal</h3>" + table(
            ("start (UTC)", "end (UTC)", "duration [s]"), gaps, (2,)
        )
        html += _more(q.signal_gap_count, len(gaps), "signal gaps")
    if q.missing_channels:
        html += paragraph("Habitat channels without data: " + ", ".join(q.missing_channels) + ".")
    if q.unknown_channels:
        html += paragraph(
            "Channels the habitat lacks (rows skipped): "
            + ", ".join(f"{k} ({v})" for k, v in sorted(q.unknown_channels.items()))
            + "."
        )
    warnings: list[str] = list(q.warnings)
    for get in (
        lambda: data.rate.data_warnings,
        lambda: data.detection.warnings,
        lambda: data.events.warnings,
    ):
        try:
            warnings += [w for w in get() if w not in warnings]
        except HullwatchError:
            continue
    html += "<h3>Warnings from the analyses</h3>" + (
        bullet_list(warnings) if warnings else paragraph("None.")
    )
    return html


#: The methods appendix: one paragraph per analysis.
METHODS = (
    (
        "Gas mass",
        "Every analysis reads one derived series: the gas mass of each compartment, "
        "m = pV/(RT), from the mean pressure and the volume-weighted temperature of its "
        "modules, cut at every hatch configuration change (hullwatch.analysis.gasmass).",
    ),
    (
        "Leak rate",
        "Per hatch configuration, a regression of gas mass on time with the leak's pressure "
        "dependence (flow exponent), orbital harmonics and a step at each repress or "
        "depress, with autocorrelation-aware 95 % intervals (hullwatch.analysis.leakrate). "
        "The rate over time repeats it in sliding windows.",
    ),
    (
        "Detection",
        "A causal CUSUM bank on the whitened block gas-mass rate of each compartment, its "
        "threshold set for the stated false-alarm rate; the onset is the CUSUM's change "
        "point (hullwatch.detect).",
    ),
    (
        "Location",
        "Bayesian comparison of a leak in each module, in each closed hatch's seal, or "
        "none, from the loss rate of every compartment in every configuration "
        "(hullwatch.locate).",
    ),
    (
        "Events",
        "Represses and depresses are steps of gas mass; hatch changes come from hatch "
        "channels or are inferred from pressures equalizing (hullwatch.events).",
    ),
    (
        "Forecast, gas budget, risk",
        "From hullwatch.analysis.forecast, hullwatch.analysis.gas_budget and hullwatch.risk, "
        "fed with the leak rate above; their own assumptions are listed in their sections.",
    ),
)


def methods_section(data: ReportData) -> str:
    """How each figure was made, and the assumptions the analyses reported."""
    html = "".join(f"<h3>{esc(name)}</h3>{paragraph(text)}" for name, text in METHODS)
    assumptions: list[str] = []
    for get in (
        lambda: data.rate.to_dict()["assumptions"],
        lambda: data.location.assumptions,
        lambda: data.events.assumptions,
        lambda: data.quality.assumptions,
    ):
        try:
            assumptions += [a for a in get() if a not in assumptions]
        except HullwatchError:
            continue
    html += "<h3>Assumptions reported by the analyses</h3>" + (
        bullet_list(assumptions) if assumptions else paragraph("None reported.")
    )
    first, last = data.span
    html += paragraph(
        f"Rolling leak-rate windows: {data.window_s / 3600.0:g} h every "
        f"{data.step_s / 3600.0:g} h. Detector: {data.false_alarms_per_year:g} false alarm "
        f"per compartment per year. Data span {iso_z(first)} to {iso_z(last)}; "
        f"{float(np.timedelta64(last - first, 'ns') / np.timedelta64(1, 'h')):.1f} h."
    )
    return html


#: Every section, in page order.
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("summary", "Summary", summary_section),
    SectionSpec("pressures", "Pressures and gas mass per compartment", overview_section),
    SectionSpec("leak-rate", "Leak rate over time", rate_section),
    SectionSpec("forecast", "Pressure forecast", forecast_section),
    SectionSpec("gas-budget", "Gas budget", gas_budget_section),
    SectionSpec("risk", "Risk matrix", risk_section),
    SectionSpec("location", "Where the leak is", location_section),
    SectionSpec("alarms-events", "Alarms and events", alarms_events_section),
    SectionSpec("quality", "Data quality", quality_section),
    SectionSpec("methods", "Appendix: methods and assumptions", methods_section),
)


def build_sections(data: ReportData, specs: tuple[SectionSpec, ...] = SECTIONS) -> list[Section]:
    """Build each section; one whose analysis fails says why instead of stopping the rest."""
    out = []
    for spec in specs:
        try:
            out.append(Section(spec.key, spec.title, spec.build(data)))
        except HullwatchError as error:
            out.append(Section(spec.key, spec.title, unavailable(str(error)), str(error)))
    return out
