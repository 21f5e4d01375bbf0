"""Shared inputs of the risk tests: the default table's text, written variants of it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def default_table_text() -> str:
    """The shipped default risk table, as text."""
    return resources.files("hullwatch.data").joinpath("risk_default.toml").read_text("utf-8")


@pytest.fixture
def write_table(tmp_path: Path, default_table_text: str):
    """Write the default table with one text replacement; return its path."""

    def write(old: str, new: str, name: str = "table.toml") -> Path:
        assert old in default_table_text, old
        path = tmp_path / name
        path.write_text(default_table_text.replace(old, new, 1), "utf-8")
        return path

    return write
