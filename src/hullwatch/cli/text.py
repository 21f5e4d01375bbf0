"""Small formatters for the commands' human output (the JSON keeps full values)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.markup import escape
from rich.table import Table


def compartment_label(modules: Sequence[str]) -> str:
    """The modules of a compartment, or the first and a count when there are many.

    Examples
    --------
    >>> compartment_label(["PrK", "Progress"])
    'PrK, Progress'
    >>> compartment_label(["Zvezda", "PrK", "Progress", "Poisk"])
    'Zvezda and 3 more'
    """
    if len(modules) <= 3:
        return ", ".join(modules)
    return f"{modules[0]} and {len(modules) - 1} more"


def table_time(iso: str) -> str:
    """An ISO 8601 UTC time to the minute, with a space a narrow table can wrap at.

    Rich wraps a cell at spaces; ``2019-10-12T00:05`` is one word, which a table
    narrower than its columns cuts to ``2019-10-12T0…``.

    Examples
    --------
    >>> table_time("2019-10-12T00:05:30.000Z")
    '2019-10-12 00:05'
    """
    return iso[:16].replace("T", " ")


def literal_table(title: str, headers: Sequence[str], **table_options: object) -> Table:
    """A table whose headers are taken literally (a unit such as ``[kg]`` is no style tag).

    Rich reads ``[...]`` in a header as markup and drops it; escaping every header
    here is what keeps the units on screen.

    Examples
    --------
    >>> [str(c.header) for c in literal_table("t", ["gas [kg]"]).columns]
    ['gas \\\\[kg]']
    """
    table = Table(box=box.SIMPLE_HEAD, title=title, **table_options)  # type: ignore[arg-type]
    for header in headers:
        table.add_column(escape(header))
    return table


def word_safe_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A table whose cells wrap at spaces but never cut a word, however narrow the terminal.

    Each column is at least as wide as its longest word (header included), so a
    date or a bound of an interval is never shortened to ``…``; headers are taken
    literally, so a unit such as ``[kg]`` is not read as a style tag.

    Examples
    --------
    >>> table = word_safe_table("t", ["start (UTC)", "gas [kg]"], [["2019-10-12 04:59", "3.748"]])
    >>> [c.min_width for c in table.columns]
    [10, 5]
    """
    table = Table(box=box.SIMPLE_HEAD, title=title)
    for index, header in enumerate(headers):
        words = [*header.split(), *(word for row in rows for word in row[index].split())]
        table.add_column(escape(header), min_width=max(map(len, words), default=None))
    for row in rows:
        table.add_row(*row)
    return table
