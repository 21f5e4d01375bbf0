"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: ``<repo>/../shared/real-data`` unless ``HULLWATCH_REAL_DATA`` says otherwise.
DEFAULT_REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "real-data"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real ISS telemetry folder (real-data/README.md); skips the test if absent."""
    root = Path(os.environ.get("HULLWATCH_REAL_DATA", DEFAULT_REAL_DATA))
    if not (root / "iss-mimic").is_dir():
        pytest.skip(f"real ISS data not found at {root} (set HULLWATCH_REAL_DATA)")
    return root


# --- Headless Chromium for browser tests (report, dashboard, Open MCT) ---------------------
#: Debian's chromium (``make test`` installs it); ``HULLWATCH_CHROMIUM`` overrides the path.
CHROMIUM_PATH = Path(os.environ.get("HULLWATCH_CHROMIUM", "/usr/bin/chromium"))
#: Without the background-networking flags chromium's own connections are refused here.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """A headless Chromium (Playwright sync API) shared by the session's browser tests.

    Skips only when the browser really cannot start: the binary is absent or the
    launch fails; the reason names the path and the error. Playwright's own browser
    downloads are never used.
    """
    if not CHROMIUM_PATH.is_file():
        pytest.skip(f"chromium not found at {CHROMIUM_PATH} (make test installs it)")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=list(CHROMIUM_ARGS)
        )
    except PlaywrightError as error:
        playwright.stop()
        pytest.skip(f"chromium at {CHROMIUM_PATH} failed to launch: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
