"""Ingest killed with SIGKILL at random points: nothing acknowledged is lost or doubled.

Each trial starts a fresh archive, ingests file A to completion (acknowledged), then
ingests an overlapping file B in a child process and kills it with SIGKILL after a
random delay drawn over the length of a whole ingest. Then:

- the archive opens, and leaves no uncommitted part behind;
- every row of A is there with its value, and no ``(time, channel)`` is stored twice;
- the archive holds exactly A, or exactly A and B (an ingest commits all or nothing),
  and A and B whenever the child reported B's ingest as complete;
- every part matches its manifest entry (hash and row count);
- ingesting B again completes it: it adds exactly the rows that were missing.

The children are forked from a small "zygote" process that has imported hullwatch
once, so that a trial costs milliseconds rather than an interpreter start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hullwatch.habitat import load_habitat
from hullwatch.store import Archive, read_manifest
from hullwatch.telemetry import Telemetry, read_telemetry, write_telemetry

ZYGOTE = r"""
import json, os, sys, time
from hullwatch.habitat import load_habitat
from hullwatch.store.archive import Archive
from hullwatch.telemetry import read_telemetry

def say(text):
    os.write(1, (text + "\n").encode())

habitat = load_habitat()
say("up")
for line in sys.stdin:
    command = line.split()
    if command[0] == "go":
        pid = os.fork()
        if pid == 0:
            try:
                data = read_telemetry(command[2], habitat)
                say(f"ready {os.getpid()}")
                started = time.perf_counter()
                report = Archive(command[1]).ingest(data, command[2])
                took = time.perf_counter() - started
                say("done " + json.dumps({**report.to_dict(), "seconds": took}))
            except BaseException as exc:
                say(f"error {type(exc).__name__}: {exc}")
            finally:
                os._exit(0)
    elif command[0] == "reap":
        _, status = os.waitpid(int(command[1]), 0)
        say(f"exit {status}")
    else:
        break
"""

CHANNELS = [("SIM_PRK_P", 700.0), ("SIM_PRK_T", 21.0), ("SIM_ZVEZDA_P", 757.0)]


class Zygote:
    """The forking helper process; see the module docstring."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )
        assert self.line() == "up"

    def line(self) -> str:
        assert self.process.stdout is not None
        text = self.process.stdout.readline()
        assert text, "the zygote process died"
        return text.strip()

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def ingest(self, archive: Path, file: Path, kill_after_s: float | None) -> str | None:
        """Ingest in a child; SIGKILL it after ``kill_after_s``; its ``done`` line, if any."""
        self.send(f"go {archive} {file}")
        ready = self.line()
        assert ready.startswith("ready "), ready
        pid = int(ready.split()[1])
        if kill_after_s is not None:
            time.sleep(kill_after_s)
            # The child stays a zombie until reaped below, so its pid cannot be reused.
            os.kill(pid, signal.SIGKILL)
        self.send(f"reap {pid}")
        done = None
        while True:
            text = self.line()
            if text.startswith("exit "):
                return done
            assert not text.startswith("error"), text
            if text.startswith("done "):
                done = text

    def close(self) -> None:
        self.send("quit")
        self.process.wait(timeout=30)


def write_file(path: Path, first_minute: int, minutes: int, period_s: int) -> None:
    """Channels at one sample per ``period_s``; a value depends on time and channel only."""
    steps = np.arange(first_minute * 60 // period_s, (first_minute + minutes) * 60 // period_s)
    start = np.datetime64("2026-05-01T00:00:00", "ns")
    frames = [
        pd.DataFrame(
            {
                "time": pd.DatetimeIndex(start + steps * np.timedelta64(period_s, "s"), tz="UTC"),
                "channel": name,
                "value": np.round(mean + np.sin(0.01 * steps + k), 3),
            }
        )
        for k, (name, mean) in enumerate(CHANNELS)
    ]
    write_telemetry(pd.concat(frames, ignore_index=True), path)


def union(*parts: Telemetry) -> pd.DataFrame:
    samples = pd.concat([p.samples for p in parts], ignore_index=True)
    samples = samples.drop_duplicates(["time", "channel"])
    return samples.sort_values(["channel", "time"], ignore_index=True)


def stray_files(folder: Path) -> int:
    committed = {p.path for p in read_manifest(folder).parts}
    files = [f for f in folder.glob("habitat=*/channel=*/day=*/*") if f.is_file()]
    return sum(f.relative_to(folder).as_posix() not in committed for f in files)


def run_trials(tmp_path: Path, trials: int, minutes: int, period_s: int, seed: int) -> None:
    habitat = load_habitat()
    files = []
    for k in range(4):
        path = tmp_path / f"f{k}.csv"
        write_file(path, first_minute=k * minutes // 2, minutes=minutes, period_s=period_s)
        files.append((path, read_telemetry(path, habitat)))
    rng = np.random.default_rng(seed)
    zygote = Zygote()
    try:
        # How long one uninterrupted ingest of B into an archive holding A takes.
        Archive(tmp_path / "calibrate").ingest(files[0][1], "A")
        done = zygote.ingest(tmp_path / "calibrate", files[1][0], kill_after_s=None)
        assert done is not None
        seconds = float(done.split('"seconds": ')[1].rstrip("}"))
        outcomes = {"committed": 0, "not committed": 0, "stray parts left": 0}
        for trial in range(trials):
            (_, a), (b_path, b) = files[trial % 4], files[(trial + 1) % 4]
            folder = tmp_path / f"trial{trial}"
            Archive(folder).ingest(a, "A")
            acknowledged_b = zygote.ingest(folder, b_path, rng.uniform(0.0, 1.5 * seconds))
            outcomes["stray parts left"] += stray_files(folder) > 0
            archive = Archive(folder)  # opens, and cleans what the kill left
            assert stray_files(folder) == 0
            held = archive.read(habitat).samples
            with_b = union(a, b)
            if len(held) == len(with_b):
                outcomes["committed"] += 1
                pd.testing.assert_frame_equal(held, with_b)
            else:
                assert acknowledged_b is None, "an acknowledged ingest was lost"
                outcomes["not committed"] += 1
                pd.testing.assert_frame_equal(held, a.samples)
            assert archive.verify() == []
            again = archive.ingest(b, "B")
            assert again.rows_added == len(with_b) - len(held)
            assert again.rows_conflicting == 0
            pd.testing.assert_frame_equal(Archive(folder).read(habitat).samples, with_b)
    finally:
        zygote.close()
    print(f"\n{trials} kills, one ingest {seconds * 1e3:.0f} ms: {outcomes}")
    assert outcomes["committed"] + outcomes["not committed"] == trials
    assert outcomes["not committed"] >= 1


def test_sigkill_during_ingest_loses_and_doubles_nothing(tmp_path: Path) -> None:
    # Two days of three channels at 1/min per file: 6 parts of 1,440 rows per ingest.
    run_trials(tmp_path, trials=50, minutes=2 * 1440, period_s=60, seed=20261125)


@pytest.mark.slow
def test_sigkill_during_ingest_many_trials_larger_files(tmp_path: Path) -> None:
    # Three days of three channels at 0.1 Hz per file (77,760 rows), 200 kills.
    run_trials(tmp_path, trials=200, minutes=3 * 1440, period_s=10, seed=7)
