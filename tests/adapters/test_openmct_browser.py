"""Real Open MCT (npm ``openmct``, web/openmct) in headless Chromium, fed by hullwatch.

The page ``web/openmct/index.html`` loads Open MCT from ``node_modules`` and the
hullwatch plugin from the service; the service serves it at ``/openmct/``.  A derived
leak-rate plot must show the points of the historical request and the points that
arrive live over the WebSocket, both drawn on the plot's canvas.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import pytest
from tests.service.conftest import AUTH, PRK_CLOSED, TOKEN, LiveServer

from hullwatch.detect import LeakDetector
from hullwatch.service import create_app
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.telemetry import write_telemetry

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

OPENMCT_PAGE = Path(__file__).resolve().parents[2] / "web" / "openmct"
KEY = "PrK.leak_rate"
HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def live_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str, dt.datetime]:
    """21 h of the isolated PrK ending an hour from now, a 1 lb/day hole from 9 h."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    start = now - dt.timedelta(hours=20)
    run = simulate(
        scenario_from_dict(
            {
                "simulation": {
                    "duration": "21h",
                    "seed": 17,
                    "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                "hatch_events": PRK_CLOSED,
                "leaks": [
                    {"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0, "onset": "9h"}
                ],
            }
        )
    )
    path = tmp_path_factory.mktemp("omct") / "live.csv"
    write_telemetry(run.telemetry, path)
    return run, path.read_text(encoding="utf-8"), now


def _split(csv_text: str, now: dt.datetime) -> tuple[str, list[str]]:
    """History before now - 1 h; the last hour (up to now) in three live bodies."""
    header, *rows = csv_text.splitlines()
    cut = (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    stop = now.strftime("%Y-%m-%dT%H:%M")
    history = [r for r in rows if r[:16] < cut]
    live = [r for r in rows if cut <= r[:16] < stop]
    third = -(-len(live) // 3)
    bodies = ["\n".join([header, *live[i : i + third]]) for i in range(0, len(live), third)]
    return "\n".join([header, *history]), bodies


def _series_columns(tab: Page) -> tuple[np.ndarray, dict[str, float]]:
    """Which pixel columns of the plot canvas hold the series colour; the time bounds."""
    from PIL import Image

    area = tab.locator(".gl-plot-chart-area")
    image = np.asarray(Image.open(io.BytesIO(area.screenshot())).convert("RGB")).astype(int)
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    blue = (b > 170) & (b - r > 70) & (g > 100)  # Open MCT's first series colour
    bounds = tab.evaluate("openmct.time.getBounds()")
    return blue.any(axis=0), bounds


def _share(columns: np.ndarray, bounds: dict[str, float], t0: float, t1: float) -> float:
    """Share of the pixel columns of the times [t0, t1] that show the series."""
    width = columns.size
    span = bounds["end"] - bounds["start"]
    a = int((t0 - bounds["start"]) / span * width)
    b = int((t1 - bounds["start"]) / span * width)
    return float(columns[max(a, 0) : min(b, width)].mean())


@pytest.fixture
def server(live_run: tuple[Any, str, dt.datetime]) -> Iterator[LiveServer]:
    """The service with the Open MCT page mounted, on a free loopback port."""
    if not (OPENMCT_PAGE / "node_modules" / "openmct" / "dist" / "openmct.js").is_file():
        pytest.fail(f"Open MCT is not installed in {OPENMCT_PAGE}: run `make openmct` (npm ci)")
    run = live_run[0]
    detector = LeakDetector(run.habitat, warmup_s=6 * 3600.0)
    app = create_app(detector, token=TOKEN, openmct_dir=OPENMCT_PAGE)
    with LiveServer(app) as live:
        yield live


def test_open_mct_plots_historical_and_live_leak_rate_points(
    chromium_browser: Browser, server: LiveServer, live_run: tuple[Any, str, dt.datetime]
) -> None:
    _, csv_text, now = live_run
    history, live = _split(csv_text, now)
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    external: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: None if r.url.startswith(server.url) else external.append(r.url))
    try:
        with httpx.Client(base_url=server.url, headers=AUTH, timeout=120) as http:
            assert http.post("/api/ingest", content=history).status_code == 200
            points = http.get(f"/api/openmct/history/{KEY}", params={"start": 0, "end": 2**45})
            assert len(points.json()) > 100
            tab.goto(
                f"{server.url}/openmct/#/browse/hullwatch.taxonomy:hullwatch/"
                f"hullwatch.taxonomy:{KEY}?tc.mode=local&tc.startDelta={6 * HOUR_MS}"
                "&tc.endDelta=300000&tc.timeSystem=utc&view=plot-single"
            )
            tab.wait_for_selector(".gl-plot.js-series-data-loaded", timeout=60_000)
            tab.wait_for_function(
                "window.hullwatchOpenMct && window.hullwatchOpenMct.historical > 0",
                timeout=30_000,
            )
            requests = tab.evaluate("window.hullwatchOpenMct.requests")
            assert any(r["key"] == KEY and r["points"] > 0 for r in requests), requests
            time.sleep(1.5)
            columns, bounds = _series_columns(tab)
            now_ms = now.timestamp() * 1000
            old = _share(columns, bounds, now_ms - 4.5 * HOUR_MS, now_ms - 1.2 * HOUR_MS)
            new_before = _share(columns, bounds, now_ms - 0.9 * HOUR_MS, now_ms - 0.1 * HOUR_MS)
            assert old > 0.9, old  # the historical points are drawn
            assert new_before < 0.05, new_before  # and nothing yet where the live ones go
            for body in live:
                assert http.post("/api/ingest", content=body).status_code == 200
                time.sleep(0.5)
        tab.wait_for_function(
            f"(window.hullwatchOpenMct.byKey['{KEY}'] || 0) >= 55", timeout=30_000
        )
        time.sleep(1.5)
        columns, bounds = _series_columns(tab)
        new_after = _share(columns, bounds, now_ms - 0.9 * HOUR_MS, now_ms - 0.1 * HOUR_MS)
        assert new_after > 0.9, new_after  # the live points are drawn
        assert _share(columns, bounds, now_ms - 4.5 * HOUR_MS, now_ms - 1.2 * HOUR_MS) > 0.9
        tab.screenshot(path=str(Path("/tmp") / "hullwatch-openmct.png"))
    finally:
        context.close()
    assert errors == [] and external == []
