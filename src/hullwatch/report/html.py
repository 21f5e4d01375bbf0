"""Plain HTML building blocks for the one-file report: escaping, tables, figures, the page.

Everything the page needs is inside it: the style sheet is inline, figures are
``data:`` URIs, and there is no script, web font or link to anything outside the
file, so it reads the same offline, from an e-mail attachment or on a secure network.
"""

from __future__ import annotations

import base64
import html
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

#: MIME type of each figure format the report can embed.
IMAGE_MIME = {"svg": "image/svg+xml", "png": "image/png"}
#: An SVG figure larger than this is embedded as PNG instead (a plot of every sample
#: of a long recording would otherwise weigh megabytes). [bytes]
MAX_SVG_BYTES = 600_000

#: The page's whole style sheet (system fonts only: nothing to fetch).
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 68rem; margin: 1.5rem auto; padding: 0 1rem; color: #1b1b1b;
       line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #c8d3de; padding-bottom: 0.2rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
p.meta { color: #555; margin-top: 0; }
nav ol { columns: 2; font-size: 0.95rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.unavailable { color: #8a4b00; background: #fff4e0; border-left: 4px solid #e0a030;
               padding: 0.4rem 0.7rem; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d4d9de; padding: 0.2rem 0.45rem; text-align: left;
         vertical-align: top; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e6e9; }
figcaption { font-size: 0.88rem; color: #444; }
ul.notes { font-size: 0.9rem; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #666; }
"""


def esc(text: object) -> str:
    """``text`` as HTML-safe text (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def paragraph(text: str) -> str:
    """One ``<p>`` of plain text."""
    return f"<p>{esc(text)}</p>"


def unavailable(reason: str) -> str:
    """The notice a section shows when its analysis cannot run."""
    return f'<p class="unavailable">not available: {esc(reason)}</p>'


def bullet_list(items: Iterable[str], css_class: str = "notes") -> str:
    """A ``<ul>`` of plain-text items (empty string for no items)."""
    rows = "".join(f"<li>{esc(item)}</li>" for item in items)
    return f'<ul class="{css_class}">{rows}</ul>' if rows else ""


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = ()
) -> str:
    """An HTML table of plain-text cells; columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def image(data: bytes, image_format: str, alt: str, caption: str = "") -> str:
    """A figure embedded as a base64 ``data:`` URI, with its caption.

    Parameters
    ----------
    data : bytes
        The SVG or PNG file's bytes.
    image_format : str
        ``"svg"`` or ``"png"``.
    alt, caption : str
        Text alternative and caption (plain text).
    """
    mime = IMAGE_MIME[image_format]
    encoded = base64.b64encode(data).decode("ascii")
    caption_html = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="data:{mime};base64,{encoded}" alt="{esc(alt)}">{caption_html}</figure>'
    )


def embed_figure(
    draw: Callable[[Path], object], image_format: str, alt: str, caption: str = ""
) -> str:
    """Run a plotting function that writes a file, and embed what it wrote.

    Parameters
    ----------
    draw : callable
        Called with a path ending in ``.svg`` or ``.png``; writes the figure there
        (every hullwatch plot function has this shape, e.g.
        :func:`hullwatch.report.rate_plot.plot_leak_rate` with its result bound).
    image_format : str
        ``"svg"`` or ``"png"``; an SVG larger than :data:`MAX_SVG_BYTES` is drawn
        again as PNG.
    alt, caption : str
        Text alternative and caption.
    """
    if image_format not in IMAGE_MIME:
        raise ValueError(f"image format must be one of {sorted(IMAGE_MIME)}, not {image_format!r}")
    with tempfile.TemporaryDirectory(prefix="hullwatch-figure-") as folder:
        path = Path(folder) / f"figure.{image_format}"
        draw(path)
        data = path.read_bytes()
        if image_format == "svg" and len(data) > MAX_SVG_BYTES:
            # Too many vector points to carry: the same figure as a picture instead.
            image_format = "png"
            path = Path(folder) / "figure.png"
            draw(path)
            data = path.read_bytes()
    return image(data, image_format, alt, caption)


def page(title: str, meta: str, sections: Sequence[tuple[str, str, str]], footer: str) -> str:
    """The whole HTML document.

    Parameters
    ----------
    title : str
        Page title and top heading (plain text).
    meta : str
        One line under the heading (plain text).
    sections : sequence of (id, heading, body_html)
        In order; each becomes an ``<section>`` with an ``<h2>`` and a contents entry.
    footer : str
        Plain text at the bottom.
    """
    contents = "".join(
        f'<li><a href="#{esc(key)}">{esc(heading)}</a></li>' for key, heading, _ in sections
    )
    body = "\n".join(
        f'<section id="{esc(key)}"><h2>{esc(heading)}</h2>\n{content}</section>'
        for key, heading, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Forbid any fetch at all: only inline styles and data: images may load.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n"
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1>{esc(title)}</h1><p class="meta">{esc(meta)}</p>'
        f'<nav aria-label="Contents"><ol>{contents}</ol></nav></header>\n'
        f"<main>\n{body}\n</main>\n<footer>{esc(footer)}</footer>\n</body>\n</html>\n"
    )
