"""The report file: self-contained, every section present, and the numbers it quotes."""

from __future__ import annotations

import re

import numpy as np

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.habitat import load_habitat
from hullwatch.report.sections import SECTIONS
from hullwatch.telemetry import read_telemetry
from hullwatch.validation.rate_mc import true_mean_rate

#: Attributes that make a browser fetch something.
FETCHING = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?!data:|#)([^"'\s>]+)""")


def test_no_outside_references(leak_report) -> None:
    html = leak_report["html"]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r"url\(|@import", html, re.IGNORECASE)
    # Every src/href is an in-page anchor or an embedded data: URI.
    assert FETCHING.findall(html) == []
    assert html.count('src="data:image/svg+xml;base64,') >= 4


def test_every_section_in_page_order(leak_report) -> None:
    html = leak_report["html"]
    positions = [html.index(f'<section id="{spec.key}"><h2>{spec.title}</h2>') for spec in SECTIONS]
    assert positions == sorted(positions)
    keys = [s["key"] for s in leak_report["json"]["sections"]]
    assert keys == [spec.key for spec in SECTIONS]


def test_json_says_where_and_how_big(leak_report) -> None:
    payload = leak_report["json"]
    assert payload["path"] == str(leak_report["path"])
    assert payload["bytes"] == len(leak_report["html"].encode("utf-8"))
    assert payload["module"] == "PrK"
    available = {s["key"]: s["available"] for s in payload["sections"]}
    assert all(available.values()), available


def test_summary_quotes_the_analyses_and_matches_the_truth(leak_run, leak_files, leak_report):
    """The summary's rate is leak_rate's from the alarm's onset; alarm and place are right."""
    html = leak_report["html"]
    summary = html[html.index('id="summary"') : html.index('id="pressures"')]
    habitat = load_habitat(leak_files["habitat"])
    telemetry = read_telemetry(leak_files["telemetry"], habitat)
    stamp = r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC"
    found = re.search(f"onset estimated {stamp} \\(95 %: {stamp} to {stamp}\\)", summary)
    assert found is not None
    onset, first, last = (np.datetime64(g.replace(" ", "T"), "ns") for g in found.groups())
    # The true onset lies in the onset interval the summary quotes (to its minute).
    true_onset = np.datetime64(leak_run.truth["leaks"][0]["onset"].rstrip("Z"), "ns")
    assert first <= true_onset <= last + np.timedelta64(1, "m")
    rate = leak_rate(telemetry, habitat, "PrK", onset)
    assert rate.leak_rate_kg_per_day is not None and rate.last.ci95_kg_per_day is not None
    lo, hi = rate.last.ci95_kg_per_day
    assert f"{rate.leak_rate_kg_per_day:.3f} kg/day" in summary
    assert f"[{lo:.3f}, {hi:.3f}] kg/day" in summary
    assert "since the leak alarm&#x27;s onset estimate" in summary
    assert re.search(r"most likely PrK \(posterior: PrK \d\.\d\d", summary)
    # The simulator's true mean rate over the same window lies in the quoted interval.
    assert lo <= true_mean_rate(leak_run, onset, rate.end) <= hi


def test_summary_has_forecast_gas_margin_and_risk_cell(leak_report) -> None:
    html = leak_report["html"]
    summary = html[html.index('id="summary"') : html.index('id="pressures"')]
    assert re.search(r"<dt>Forecast</dt><dd>PrK reaches 520 mmHg \d+\.\d h after", summary)
    assert re.search(r"<dt>Gas margin</dt><dd>\d+ days at \d\.\d{3} kg/day", summary)
    assert re.search(r"<dt>Risk cell</dt><dd>[1-5]x[1-5] \(likelihood", summary)
    assert "not NASA" in summary
