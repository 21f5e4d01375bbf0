"""A small habitat with one channel of each kind, and a writer of text files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hullwatch.habitat import Channel, Habitat, Hatch, Module


@pytest.fixture
def habitat() -> Habitat:
    """Two modules and a hatch; pressure in mmHg, temperature in degC, one hatch channel."""
    return Habitat(
        "pair",
        (Module("Big", 75.0), Module("Tunnel", 5.0)),
        (Hatch("Big-Tunnel", ("Big", "Tunnel")),),
        (
            Channel("BIG_P", "pressure", "mmHg", module="Big"),
            Channel("TUN_P", "pressure", "kPa", module="Tunnel"),
            Channel("TUN_T", "temperature", "degC", module="Tunnel"),
            Channel("HATCH", "hatch", "1", hatch="Big-Tunnel"),
        ),
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """``write(name, content)``: a file in a fresh folder, bytes written as they are."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write
