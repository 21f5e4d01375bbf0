"""HTML building blocks: escaping, embedded figures, and the SVG size limit."""

from __future__ import annotations

import base64
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from hullwatch.report import html
from hullwatch.report.figures import save_figure


def _draw(path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 0, 1])
    return save_figure(fig, path)


def test_text_is_escaped() -> None:
    cell = html.table(("a<b",), [("<script>alert(1)</script>",)])
    assert "<script>" not in cell and "&lt;script&gt;" in cell
    assert html.unavailable('no "x" & y') == (
        '<p class="unavailable">not available: no &quot;x&quot; &amp; y</p>'
    )


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_figure_is_embedded_as_a_data_uri(fmt, magic) -> None:
    figure = html.embed_figure(_draw, fmt, "alt text", "caption")
    prefix = f'<figure><img src="data:{html.IMAGE_MIME[fmt]};base64,'
    assert figure.startswith(prefix)
    encoded = figure[len(prefix) : figure.index('"', len(prefix))]
    assert base64.b64decode(encoded).startswith(magic)
    assert "<figcaption>caption</figcaption>" in figure


def test_an_svg_over_the_limit_is_embedded_as_png(monkeypatch) -> None:
    monkeypatch.setattr(html, "MAX_SVG_BYTES", 100)
    assert 'src="data:image/png;base64,' in html.embed_figure(_draw, "svg", "alt")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="gif"):
        html.embed_figure(_draw, "gif", "alt")
