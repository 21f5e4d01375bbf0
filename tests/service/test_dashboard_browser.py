"""The dashboard in headless Chromium: it loads, grows as data arrive, and shows an alarm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from tests.service.conftest import AUTH, LiveServer, chunks

from hullwatch.detect import LeakDetector
from hullwatch.habitat import Habitat
from hullwatch.service import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

POINTS = (
    "document.getElementById('pressure-plot').data.map(t => t.x.length).reduce((a, b) => a + b, 0)"
)

#: Counts Plotly calls that target the pressure plot.
SPY = """
window.plotCalls = {extendTraces: 0, newPlot: 0, react: 0};
for (const name of Object.keys(window.plotCalls)) {
  const real = Plotly[name];
  Plotly[name] = function (gd, ...rest) {
    if (gd === 'pressure-plot' || (gd && gd.id === 'pressure-plot')) window.plotCalls[name] += 1;
    return real.call(this, gd, ...rest);
  };
}
true;
"""


@pytest.fixture
def server(habitat: Habitat) -> Iterator[LiveServer]:
    """The service on a free loopback port."""
    from tests.service.conftest import TOKEN

    with LiveServer(create_app(LeakDetector(habitat), token=TOKEN)) as live:
        yield live


@pytest.fixture
def page(
    chromium_browser: Browser, server: LiveServer
) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A dashboard page, with the requests it made elsewhere and its console errors."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1300})
    page = context.new_page()
    external: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.url) else external.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, external, errors
    context.close()


def test_dashboard_loads_grows_with_data_and_shows_the_alarm(
    server: LiveServer, page: tuple[Page, list[str], list[str]], depress_csv: str
) -> None:
    tab, external, errors = page
    bodies = chunks(depress_csv, 8)
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=60) as http:
        for body in bodies[:3]:  # before the depress at 3 h
            assert http.post("/api/ingest", content=body).status_code == 200
        tab.goto(server.url + "/")
        tab.wait_for_selector("body[data-ready='1']", timeout=30_000)
        assert tab.inner_text("#conn") == "live"
        before = tab.evaluate(POINTS)
        assert before > 0
        assert tab.locator(".alarm-row").count() == 0
        # The plot is extended in place (Plotly.extendTraces), never drawn anew: count the calls.
        tab.evaluate(SPY)
        for body in bodies[3:]:
            assert http.post("/api/ingest", content=body).status_code == 200
        tab.wait_for_function(f"{POINTS} > {before}", timeout=15_000)
        row = tab.wait_for_selector(".alarm-row.rapid_depress.unacked", timeout=15_000)
        assert "rapid depress of PrK" in row.inner_text()
        prk_box = "document.querySelector('#schematic g[data-module=\"PrK\"]')"
        tab.wait_for_function(f"{prk_box}.classList.contains('alarm')")
        calls = tab.evaluate("window.plotCalls")
        assert calls["extendTraces"] >= 1 and calls["newPlot"] == calls["react"] == 0
        assert tab.evaluate(POINTS) == 24 * 240  # every grid time of every module, once
        leak = tab.evaluate("document.getElementById('leak-plot').data[2].y.length")
        assert leak > 0 and tab.input_value("#leak-module") == "PrK"
        # Acknowledge: refused without the token, accepted with it.
        tab.click("#alarm-1 button.ack")
        tab.wait_for_selector("#ack-error:has-text('401')")
        from tests.service.conftest import TOKEN

        tab.fill("#token", TOKEN)
        tab.dispatch_event("#token", "change")
        tab.click("#alarm-1 button.ack")
        tab.wait_for_selector("#alarm-1.acked", timeout=10_000)
    assert tab.inner_text("#alarm-count") == "0 active"
    assert external == []
    assert [e for e in errors if "401" not in e] == []
