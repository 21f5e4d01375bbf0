"""The ``hullwatch`` typer application and its error handling.

Each command lives in its own ``cmd_*`` module and registers itself on :data:`app`.
:func:`main` turns every :class:`~hullwatch.errors.HullwatchError` into a message on
standard error and its exit status (2 for bad input), never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import Any

import typer
from rich.console import Console

from hullwatch.errors import HullwatchError

app = typer.Typer(
    name="hullwatch",
    help="Watch a pressurized spacecraft or habitat for atmosphere leaks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Human output goes to stdout; messages and progress to stderr.
console = Console()
err_console = Console(stderr=True)


def print_notes(notes: Iterable[str], **print_options: Any) -> None:
    """Print each note as ``note: ...``, literally: a note's ``[kg]`` is no style tag."""
    for note in notes:
        console.print(f"note: {note}", highlight=False, markup=False, **print_options)


def print_json(payload: dict[str, Any]) -> None:
    """Print exactly one JSON object on standard output (the ``--json`` contract)."""
    sys.stdout.write(json.dumps(payload, allow_nan=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status instead of raising.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.
    """
    # Import for the side effect of registering every command on ``app``.
    from hullwatch.cli import commands  # noqa: F401

    try:
        app(args=argv, standalone_mode=False)
    except HullwatchError as exc:
        err_console.print(
            f"hullwatch: {exc}", style="red", highlight=False, markup=False, soft_wrap=True
        )
        return exc.exit_status
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("hullwatch: interrupted")
        return 130
    except typer.TyperException as exc:  # usage errors: typer prints them itself
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        return int(getattr(exc, "exit_code", 2))
    except Exception as exc:
        # A bug, not bad input: exit status 1, one line; HULLWATCH_DEBUG=1 shows the traceback.
        if os.environ.get("HULLWATCH_DEBUG"):
            raise
        err_console.print(
            f"hullwatch: internal error ({type(exc).__name__}: {exc}); "
            "set HULLWATCH_DEBUG=1 for the traceback",
            highlight=False,
            markup=False,
        )
        return 1
    return 0


def entry_point() -> None:
    """Console-script entry: exit with :func:`main`'s status."""
    sys.exit(main())
