"""Sections stand alone: one whose analysis fails says why, and the others are built."""

from __future__ import annotations

import pytest

from hullwatch.errors import AnalysisError
from hullwatch.report.data import ReportData
from hullwatch.report.sections import SectionSpec, build_sections, summary_section


@pytest.fixture(scope="module")
def data(leak_run) -> ReportData:
    return ReportData(leak_run.to_telemetry(), leak_run.habitat, module="PrK")


def _fails(data: ReportData) -> str:
    raise AnalysisError("no tank pressure channel")


def _bug(data: ReportData) -> str:
    raise ZeroDivisionError("a bug")


def test_a_failing_section_says_why_and_the_rest_are_built(data) -> None:
    specs = (
        SectionSpec("a", "First", lambda d: "<p>first</p>"),
        SectionSpec("b", "Broken", _fails),
        SectionSpec("c", "Third", lambda d: f"<p>{d.module}</p>"),
    )
    built = build_sections(data, specs)
    assert [s.available for s in built] == [True, False, True]
    assert built[1].reason == "no tank pressure channel"
    assert built[1].body_html == (
        '<p class="unavailable">not available: no tank pressure channel</p>'
    )
    assert built[2].body_html == "<p>PrK</p>"


def test_a_bug_is_not_hidden(data) -> None:
    with pytest.raises(ZeroDivisionError):
        build_sections(data, (SectionSpec("x", "Bug", _bug),))


def test_an_analysis_runs_once_and_its_error_is_kept(data) -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        raise AnalysisError("cannot")

    for _ in range(3):
        with pytest.raises(AnalysisError, match="cannot"):
            data.once("test.failing", compute)
    assert len(calls) == 1
    assert data.once("test.value", lambda: 42) == 42
    assert data.once("test.value", lambda: 0) == 42


def test_summary_item_failure_is_local(data, monkeypatch) -> None:
    from hullwatch.report import sections

    items = (("Good", lambda d: "fine."), ("Bad", _fails))
    monkeypatch.setattr(sections, "SUMMARY_ITEMS", items)
    html = summary_section(data)
    assert "<dt>Good</dt><dd>fine.</dd>" in html
    assert "not available: no tank pressure channel" in html


def test_a_short_quiet_recording_still_gives_a_report() -> None:
    """Six hours, no leak: too short to fit a rate, so the parts that need one say why."""
    from hullwatch.report.build import build_report
    from hullwatch.simulate import scenario_from_dict, simulate

    run = simulate(scenario_from_dict({"simulation": {"duration": "6h", "seed": 2}}))
    report = build_report(run.to_telemetry(), run.habitat)
    status = {s.key: s.reason for s in report.sections}
    for key in ("summary", "pressures", "quality", "methods", "alarms-events"):
        assert status[key] is None, key
    for key in ("forecast", "gas-budget", "risk"):
        assert status[key], key
    summary = report.sections[0].body_html
    assert "never watched Zvezda&#x27;s compartment" in summary
    assert "not available: " in summary
    assert report.module == "Zvezda"  # the first module with a pressure channel


def test_precomputed_results_are_used_and_unknown_ones_refused(leak_run, monkeypatch) -> None:
    from hullwatch.errors import InputError
    from hullwatch.report import data as data_module
    from hullwatch.telemetry import quality_report

    telemetry = leak_run.to_telemetry()
    quality = quality_report(telemetry, leak_run.habitat)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed")

    monkeypatch.setattr(data_module, "quality_report", never)
    given = ReportData(telemetry, leak_run.habitat, precomputed={"quality": quality})
    assert given.quality is quality
    with pytest.raises(InputError, match="rolling"):
        ReportData(telemetry, leak_run.habitat, precomputed={"rolling": []})
