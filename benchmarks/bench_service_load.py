"""Benchmark: the live service under load, with detection running (loopback only).

The service (``hullwatch.service.create_app`` on uvicorn, the built-in ISS habitat,
the default detector) runs in its own process on 127.0.0.1.  This script

1. simulates a stretch of the ISS with the PrK isolated and vented (a rapid depress,
   about 1.5 mmHg/min) once per stretch, and replays it in a loop, shifting the
   times by the stretch length, so that the feed is endless and raises one
   ``rapid_depress`` alarm per loop;
2. posts it to ``POST /api/ingest`` in CSV bodies of ``--chunk`` rows at increasing
   offered rates (``--rates``, ``--step`` seconds each), one request in flight, with a
   dashboard-like WebSocket client on ``/api/stream`` receiving every update;
3. then holds the highest rate the service sustained for ``--soak`` seconds.

It reports, per step, the offered and achieved rate (rows acknowledged per second of
wall time); the alarm latency (from sending the request whose rows complete the grid
sample that raises the alarm, to the alarm's arrival on the WebSocket), p50 and p99;
and the server's resident memory sampled every 5 s.

Usage::

    python benchmarks/bench_service_load.py [--quick] [--soak 600]

Results are printed and written to ``benchmarks/results/service_load.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets

from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.telemetry import write_telemetry

TOKEN = "bench-token"
RESULTS = Path(__file__).resolve().parent / "results" / "service_load.json"

SERVER = """
import sys, uvicorn
from hullwatch.detect import LeakDetector
from hullwatch.habitat import load_habitat
from hullwatch.service import create_app
app = create_app(LeakDetector(load_habitat()), token=sys.argv[2])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def make_stretch(hours: float) -> tuple[list[str], np.ndarray, int]:
    """One stretch: the PrK isolated, vented from ``hours - 1`` h; rows, their times."""
    run = simulate(
        scenario_from_dict(
            {
                "simulation": {
                    "duration": f"{hours}h",
                    "seed": 23,
                    "start": "2026-05-01T00:00:00Z",
                },
                "hatch_events": [
                    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
                    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
                ],
                "depress": [
                    {
                        "module": "PrK",
                        "to": "vacuum",
                        "start": f"{hours - 1.0}h",
                        "volumetric_flow_m3_per_min": 0.01,
                        "until_mmHg": 650.0,
                    }
                ],
            }
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stretch.csv"
        write_telemetry(run.telemetry, path)
        rows = path.read_text().splitlines()[1:]
    channels = [r.split(",", 2)[1] for r in rows]
    values = [r.split(",", 2)[2] for r in rows]
    times = np.array([r.split(",", 1)[0].rstrip("Z") for r in rows], dtype="datetime64[ns]")
    span_ns = int(hours * 3600e9)
    return [f"{c},{v}" for c, v in zip(channels, values, strict=True)], times, span_ns


class Feed:
    """The stretch replayed endlessly, as CSV bodies of ``chunk`` rows."""

    def __init__(self, tails: list[str], times: np.ndarray, span_ns: int, chunk: int) -> None:
        self.tails = tails
        self.times_ns = times.astype(np.int64)
        self.span_ns = span_ns
        self.chunk = chunk
        self.position = 0
        self.loop = 0

    def next(self) -> tuple[str, int, int]:
        """A body and the first and last time (ns) of its rows."""
        lines = ["time,channel,value"]
        first = last = 0
        for k in range(self.chunk):
            if self.position == len(self.tails):
                self.position = 0
                self.loop += 1
            t = int(self.times_ns[self.position]) + self.loop * self.span_ns
            if k == 0:
                first = t
            last = t
            stamp = np.datetime_as_string(np.datetime64(t, "ns"), unit="ms")
            lines.append(f"{stamp}Z,{self.tails[self.position]}")
            self.position += 1
        return "\n".join(lines) + "\n", first, last


@dataclass
class Step:
    """One offered rate."""

    offered: float
    seconds: float
    rows: int = 0
    elapsed: float = 0.0
    errors: int = 0
    sent: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def achieved(self) -> float:
        return self.rows / self.elapsed if self.elapsed else 0.0


class StreamWatcher(threading.Thread):
    """A dashboard-like WebSocket client: records each alarm's arrival (wall time)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.alarms: list[tuple[int, float]] = []
        self.messages = 0
        self.stop = False
        self.ready = threading.Event()

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        async with websockets.connect(self.url, max_size=2**26) as ws:
            self.ready.set()
            while not self.stop:
                try:
                    text = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                now = time.time()
                message = json.loads(text)
                self.messages += 1
                for alarm in message.get("alarms", []):
                    if alarm.get("acknowledged") is False:
                        t = np.datetime64(alarm["time"].rstrip("Z"), "ns").astype(np.int64)
                        self.alarms.append((int(t), now))


def run_step(http: httpx.Client, feed: Feed, step: Step) -> None:
    """Post at ``step.offered`` rows/s for ``step.seconds`` (sending late when behind)."""
    interval = feed.chunk / step.offered
    start = time.perf_counter()
    next_send = start
    while time.perf_counter() - start < step.seconds:
        body, first, last = feed.next()
        delay = next_send - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent_wall = time.time()
        answer = http.post("/api/ingest", content=body)
        if answer.status_code != 200:
            step.errors += 1
        else:
            step.rows += feed.chunk
        step.sent.append((first, last, sent_wall))
        next_send = max(next_send + interval, time.perf_counter() - interval)
    step.elapsed = time.perf_counter() - start


def latencies(steps: list[Step], alarms: list[tuple[int, float]]) -> list[float]:
    """Per alarm: arrival minus the send time of the request whose rows complete its grid time."""
    sent = [s for step in steps for s in step.sent]
    lasts = np.array([s[1] for s in sent], dtype=np.int64)
    out = []
    for grid_ns, arrival in alarms:
        k = int(np.searchsorted(lasts, grid_ns, side="right"))  # first request with a later row
        if k < len(sent):
            out.append(arrival - sent[k][2])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="5000,10000,20000,40000,80000")
    parser.add_argument("--step", type=float, default=30.0, help="seconds per offered rate")
    parser.add_argument("--soak", type=float, default=600.0, help="seconds at the best rate")
    parser.add_argument("--chunk", type=int, default=5000, help="rows per request")
    parser.add_argument("--hours", type=float, default=6.0, help="length of the looped stretch")
    parser.add_argument("--quick", action="store_true", help="10 s steps, 60 s soak")
    args = parser.parse_args()
    if args.quick:
        args.step, args.soak = 10.0, 60.0
    tails, times, span_ns = make_stretch(args.hours)
    feed = Feed(tails, times, span_ns, args.chunk)
    port = _free_port()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), TOKEN],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    memory: list[tuple[float, float]] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
            if time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
        watcher = StreamWatcher(f"ws://127.0.0.1:{port}/api/stream")
        watcher.start()
        watcher.ready.wait(10)
        t0 = time.time()
        stop_memory = threading.Event()

        def sample_memory() -> None:
            while not stop_memory.is_set():
                memory.append((time.time() - t0, _rss_mib(server.pid)))
                stop_memory.wait(5.0)

        threading.Thread(target=sample_memory, daemon=True).start()
        steps: list[Step] = []
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            for rate in [float(r) for r in args.rates.split(",")]:
                step = Step(rate, args.step)
                run_step(http, feed, step)
                steps.append(step)
                print(
                    f"offered {rate:8.0f} rows/s: achieved {step.achieved:8.0f} rows/s", flush=True
                )
            best = max(steps, key=lambda s: s.achieved)
            soak = Step(best.offered, args.soak)
            run_step(http, feed, soak)
            steps.append(soak)
        time.sleep(2.0)
        watcher.stop = True
        stop_memory.set()
        lat = latencies(steps, watcher.alarms)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    rss = np.array([m for _, m in memory])
    half = len(rss) // 2
    report: dict[str, Any] = {
        "steps": [
            {
                "offered_rows_per_s": s.offered,
                "achieved_rows_per_s": round(s.achieved),
                "seconds": round(s.elapsed, 1),
                "errors": s.errors,
            }
            for s in steps
        ],
        "soak": {
            "seconds": round(steps[-1].elapsed, 1),
            "achieved_rows_per_s": round(steps[-1].achieved),
        },
        "alarms": len(watcher.alarms),
        "data_loops": feed.loop,
        "alarm_latency_s": {
            "n": len(lat),
            "p50": float(np.percentile(lat, 50)) if lat else None,
            "p99": float(np.percentile(lat, 99)) if lat else None,
            "max": float(np.max(lat)) if lat else None,
        },
        "memory_mib": {
            "samples": [(round(t, 1), round(m, 1)) for t, m in memory],
            "first_half_mean": float(rss[:half].mean()) if half else None,
            "second_half_mean": float(rss[half:].mean()) if half else None,
            "max": float(rss.max()) if rss.size else None,
        },
        "stream_messages": watcher.messages,
        "chunk_rows": args.chunk,
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1))
    print(json.dumps({k: v for k, v in report.items() if k != "memory_mib"}, indent=1))
    mem = report["memory_mib"]
    print(
        f"memory: first half {mem['first_half_mean']:.0f} MiB, second half "
        f"{mem['second_half_mean']:.0f} MiB, max {mem['max']:.0f} MiB"
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
