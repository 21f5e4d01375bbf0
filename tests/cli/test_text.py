"""The shared human-output helpers keep units such as ``[kg]`` on screen."""

from __future__ import annotations

from rich.console import Console

from hullwatch.cli import app as cli_app
from hullwatch.cli.text import literal_table


def test_notes_are_printed_literally(monkeypatch) -> None:
    recorder = Console(record=True, width=200)
    monkeypatch.setattr(cli_app, "console", recorder)
    cli_app.print_notes(["the rate at 760 mmHg [kg/day] assumes n = 1", "[bold]not a style"])
    text = recorder.export_text()
    assert "note: the rate at 760 mmHg [kg/day] assumes n = 1" in text
    assert "note: [bold]not a style" in text


def test_literal_table_headers_keep_their_units() -> None:
    recorder = Console(record=True, width=200)
    recorder.print(literal_table("t", ("gas [kg]", "rate [lb/day]")))
    text = recorder.export_text()
    assert "gas [kg]" in text and "rate [lb/day]" in text
