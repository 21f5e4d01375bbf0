"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: ``<repo>/../shared/real-data`` unless ``HULLWATCH_REAL_DATA`` says otherwise.
DEFAULT_REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "real-data"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real ISS telemetry folder (real-data/README.md); skips the test if absent."""
    root = Path(os.environ.get("HULLWATCH_REAL_DATA", DEFAULT_REAL_DATA))
    if not (root / "iss-mimic").is_dir():
        pytest.skip(f"real ISS data not found at {root} (set HULLWATCH_REAL_DATA)")
    return root
