"""The hullwatch exception tree.

::

    HullwatchError                 base of everything hullwatch raises on purpose
     +-- InputError                bad input or usage: exit status 2; names file, line, field
     +-- AnalysisError             the data cannot support the analysis; the reason in words

Shells (CLI, service) turn these into messages; nothing else reaches a user as a traceback.
"""

from __future__ import annotations


class HullwatchError(Exception):
    """Base class of every error hullwatch raises on purpose."""

    exit_status = 1


class InputError(HullwatchError):
    """Malformed or contradictory input: a file, a line, a field or an option.

    Parameters
    ----------
    message : str
        What is wrong, in words.
    source : str, optional
        The file (or ``"<stdin>"``, or an option name) the problem is in.
    line : int, optional
        1-based line number in ``source``.
    field : str, optional
        The entry or field that is wrong.
    """

    exit_status = 2

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        if self.field is not None:
            where += f"{self.field}: "
        return where + self.message


class AnalysisError(HullwatchError):
    """The data cannot support the requested analysis (too few samples, no channel, ...)."""

    exit_status = 2
