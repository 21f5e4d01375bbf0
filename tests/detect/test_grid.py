"""Causal gas-mass grid: the batch and the streaming assembler agree sample for sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hullwatch.detect import StreamAssembler, grid_samples
from hullwatch.errors import InputError
from hullwatch.simulate import SimulationResult
from hullwatch.telemetry import Telemetry


def test_stream_assembler_gives_the_batch_samples(leak_run: SimulationResult) -> None:
    telemetry = leak_run.to_telemetry().window(None, "2026-05-01T03:00:00Z")
    batch = list(grid_samples(telemetry, leak_run.habitat))
    rows = telemetry.samples.sort_values("time", kind="stable")
    assembler = StreamAssembler(leak_run.habitat)
    streamed = []
    times = pd.DatetimeIndex(rows.time).asi8
    for t, channel, value in zip(times, rows.channel, rows.value, strict=True):
        streamed += assembler.push(int(t), str(channel), float(value))
    streamed += assembler.flush()
    assert [s.time for s in streamed] == [s.time for s in batch]
    for a, b in zip(streamed, batch, strict=True):
        assert [x.compartment for x in a.samples] == [x.compartment for x in b.samples]
        assert np.allclose([x.mass_kg for x in a.samples], [x.mass_kg for x in b.samples])


def test_grid_is_causal_and_marks_loss_of_signal(leak_telemetry: Telemetry, leak_run) -> None:  # type: ignore[no-untyped-def]
    times = pd.DatetimeIndex(leak_telemetry.samples.time).tz_localize(None)
    gap = (times > "2026-05-01T05:00") & (times < "2026-05-01T05:30")
    cut = Telemetry(leak_telemetry.samples[~np.asarray(gap)].reset_index(drop=True), "<gap>")
    snapshots = {s.time: s for s in grid_samples(cut, leak_run.habitat)}
    assert snapshots[np.datetime64("2026-05-01T05:20", "ns")].stale
    assert not snapshots[np.datetime64("2026-05-01T05:05", "ns")].stale
    inside = snapshots[np.datetime64("2026-05-01T05:20", "ns")].samples
    assert inside and all(np.isnan(s.mass_kg) for s in inside)


def test_rows_out_of_time_order_are_rejected(leak_run: SimulationResult) -> None:
    assembler = StreamAssembler(leak_run.habitat)
    assembler.push(2_000_000_000_000, "SIM_PRK_P", 100_000.0)
    with pytest.raises(InputError, match="time order"):
        assembler.push(1_000_000_000_000, "SIM_PRK_P", 100_000.0, source="feed.csv", line=3)
