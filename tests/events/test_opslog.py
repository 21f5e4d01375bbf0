"""Reading the operations log: every malformed input named by file, line and field."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.errors import InputError
from hullwatch.events import read_ops_log
from hullwatch.habitat import load_habitat

ISS = load_habitat()


def _write(tmp_path, text: str):
    path = tmp_path / "ops.csv"
    path.write_text(text, "utf-8")
    return path


def test_reads_rows_with_and_without_module(tmp_path) -> None:
    path = _write(
        tmp_path,
        "start,end,kind,text,module\n"
        '2026-05-01T10:00:00Z,2026-05-01T16:00:00+00:00,cargo,"Progress unloading, aft",PrK\n'
        "\n"
        "2026-05-02T08:00:00,,sealant,sealant applied,\n",
    )
    first, second = read_ops_log(path, ISS)
    assert first.start == np.datetime64("2026-05-01T10:00:00", "ns")
    assert first.end == np.datetime64("2026-05-01T16:00:00", "ns")
    assert (first.kind, first.text, first.module, first.line) == (
        "cargo",
        "Progress unloading, aft",
        "PrK",
        2,
    )
    # An empty end is an instant; a time without a zone is UTC (as in telemetry).
    assert second.end == second.start == np.datetime64("2026-05-02T08:00:00", "ns")
    assert second.module is None and second.line == 4


def test_columns_may_come_in_any_order(tmp_path) -> None:
    path = _write(
        tmp_path, "kind,text,start,end\nEVA,US EVA 44,2017-10-05T11:56Z,2017-10-05T18:51Z\n"
    )
    (op,) = read_ops_log(path, ISS)
    assert op.kind == "EVA" and op.end > op.start


@pytest.mark.parametrize(
    ("text", "line", "field", "needle"),
    [
        ("start,end,kind\n", 1, None, "lacks column(s) text"),
        ("start,end,kind,text,crew\n", 1, None, "unknown column(s) 'crew'"),
        ("start,end,kind,text\n2026-05-01T10:00Z,,cargo\n", 2, None, "expected 4 fields"),
        ("start,end,kind,text\nyesterday,,cargo,x\n", 2, "start", "not an ISO 8601 time"),
        ("start,end,kind,text\n2026-05-01T12:00+02:00,,cargo,x\n", 2, "start", "not in UTC"),
        (
            "start,end,kind,text\n2026-05-01T12:00Z,2026-05-01T13:00-05:00,cargo,x\n",
            2,
            "end",
            "not in UTC",
        ),
        ("start,end,kind,text\n2026-05-01T12:00Z,2026-05-01T11:00Z,cargo,x\n", 2, "end", "before"),
        ("start,end,kind,text\n,,cargo,x\n", 2, "start", "start is empty"),
        ("start,end,kind,text\n2026-05-01T12:00Z,,,x\n", 2, "kind", "kind is empty"),
        (
            "start,end,kind,text,module\n2026-05-01T12:00Z,,cargo,x,Skylab\n",
            2,
            "module",
            "unknown module 'Skylab'",
        ),
        ("", None, None, "empty operations log"),
    ],
)
def test_bad_logs_name_file_line_and_field(tmp_path, text, line, field, needle) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_ops_log(path, ISS)
    error = caught.value
    assert needle in str(error)
    assert error.source == str(path) and error.line == line and error.field == field
    assert error.exit_status == 2


def test_a_missing_log_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="no such operations log"):
        read_ops_log(tmp_path / "absent.csv", ISS)
