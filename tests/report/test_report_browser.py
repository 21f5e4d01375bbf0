"""The report in headless Chromium: it renders, logs no error, and fetches nothing."""

from __future__ import annotations

import pytest

from hullwatch.report.sections import SECTIONS


@pytest.mark.browser
def test_report_renders_offline_without_errors(chromium_browser, leak_report) -> None:
    url = leak_report["path"].resolve().as_uri()
    context = chromium_browser.new_context(offline=True)
    page = context.new_page()
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        page.goto(url, wait_until="load")
        # Summary first, and every section's heading visible.
        headings = page.locator("section > h2")
        assert headings.all_inner_texts() == [spec.title for spec in SECTIONS]
        for spec in SECTIONS:
            assert page.locator(f"#{spec.key} > h2").is_visible()
        assert page.locator("#summary dl.summary").is_visible()
        assert "Leak rate" in page.locator("#summary").inner_text()
        # Every embedded figure decoded to a real picture.
        sizes = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert len(sizes) >= 4
        assert all(done and w > 100 and h > 100 for done, w, h in sizes)
    finally:
        context.close()
    assert errors == []
    assert [c for c in console if c.startswith(("error", "warning"))] == []
    # The file itself is the only request (data: URIs are not fetched from anywhere).
    assert [u for u in requests if not u.startswith("data:")] == [url]
    assert failed == []
