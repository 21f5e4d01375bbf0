"""Benchmark: coverage of the onset and rate intervals a ``glr-level`` alarm carries.

The setup of ``tests/detect/test_glr_level.py::test_known_ramp_is_detected_dated_and_measured``:
30-min block means of OU (6 h) + white noise drawn from their covariance, a ramp of
``L`` lb/day opening at block 96, the GLR with a 336-block window and the threshold
for 1 false alarm per year.  The statistic stops at its first crossing; the intervals
are those at that block (causal).  For each leak size the table gives how often
each interval holds the truth, with its binomial standard error, and its median
width, for three constructions from the same runs:

* ``legacy``: the onset interval of the candidates within chi2_1(0.95)/2 of the best
  log-likelihood ratio, the rate ``L_hat(tau_best) +- 1.96 S_rr^-1/2`` (the best
  onset taken as known);
* ``joint`` (:meth:`hullwatch.detect.glr.RampGlr.estimate`): both intervals are the
  projections of the 95 % likelihood-ratio region of ``(tau, L)``, chi2_2(0.95)/2;
* ``oracle``: the rate interval of the TRUE onset, ``L_hat(tau_0) +- 1.96
  S_rr(tau_0)^-1/2``.  It carries no onset uncertainty, so its shortfall from 95 %
  is the selection bias of stopping at the first crossing.

A second table does the same for ``cusum-ar`` (:class:`~hullwatch.detect.registry.
CusumArStatistic`, AR(4), fitted per run on 10 leak-free days of the same noise),
the leak-free reference removed as the detector does (``known + step``), for two
constructions from the same runs:

* ``former``: the onset interval of the change points within chi2_1(0.95)/2 of the
  best (widened one block early), the step ``best +- 1.96 s.e.`` at the best one;
* ``joint`` (:meth:`hullwatch.detect.statistic.OnsetProfile.estimate`): both are the
  projections of the 95 % likelihood-ratio region of ``(change point, step >= 0)``,
  chi2_2(0.95)/2 (the onset still widened one block early).

With ``--station N`` the same is measured on the simulated whole station (hatches
open, ``glr-level`` fitted on 3 leak-free days, seed 900): N runs of a
``--station-lb-per-day`` PrK orifice hole opening 6 h in, seeds 1000.., the first
``leak_onset`` of each against the simulator's onset and nominal rate (at 760 mmHg).

Usage::

    python benchmarks/bench_alarm_intervals.py [--runs 400] [--sizes 1 2 4 8] [--seed 11] [--cusum]
        [--station 40] [--station-lb-per-day 10]
"""

from __future__ import annotations

import argparse
import copy
import time

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.analysis.regression import NoiseModel
from hullwatch.detect import LeakDetector, LevelModel, RampGlr, detect_leaks, glr_threshold
from hullwatch.detect.detector import DEFAULT_DESIGNS, Z95
from hullwatch.detect.registry import (
    STATISTICS,
    CusumArStatistic,
    GlrLevelStatistic,
    StatisticSettings,
)
from hullwatch.detect.statistic import HALF_CHI2_95
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import kg_per_day_to_kg_per_s, lb_per_day_to_kg_per_day

console = Console(width=220)
BLOCK_S = 1800.0
WINDOW = 336
ONSET = 96.0
#: The noise of the test: OU (6 h at 30-min blocks) plus white noise. [kg^2]
NOISE = NoiseModel(ou_variance=0.02, white_variance=0.006, phi=float(np.exp(-0.5 / 6.0)))
#: Leak-free history the ``cusum-ar`` model is fitted on, per run. [blocks]
HISTORY = 480


def _legacy(glr: RampGlr) -> tuple[float, float, float, float]:
    """Onset and rate intervals as built before the joint region. [blocks, kg/block]"""
    tau, s_ru, s_rr = glr.tau, glr.s_ru, glr.s_rr
    gains = glr.gains()
    best = int(np.argmax(gains))
    inside = gains >= gains[best] - HALF_CHI2_95
    rate, half = s_ru[best] / s_rr[best], Z95 / np.sqrt(s_rr[best])
    return float(tau[inside].min()), float(tau[inside].max()), rate - half, rate + half


def _oracle(glr: RampGlr) -> tuple[float, float]:
    """Rate interval of the true onset. [kg/block]"""
    k = int(np.argmin(np.abs(glr.tau - ONSET)))
    rate, half = glr.s_ru[k] / glr.s_rr[k], Z95 / np.sqrt(glr.s_rr[k])
    return rate - half, rate + half


def _tallies(*prefixes: str, extra: tuple[str, ...] = ()) -> dict[str, list[float]]:
    """Empty per-run lists: the delay, and onset/rate coverage and width per construction."""
    kinds = ("onset", "rate", "onset_w", "rate_w")
    keys = ["delay", *(f"{p}{k}" for p in prefixes for k in kinds), *extra]
    return {key: [] for key in keys}


def _one_size(
    lb_per_day: float, runs: int, rng: np.random.Generator, progress: Progress
) -> dict[str, list[float]]:
    rate = float(lb_per_day_to_kg_per_day(lb_per_day)) / 48.0  # kg per block
    h = glr_threshold(1.0, BLOCK_S, WINDOW)
    times = np.arange(ONSET + WINDOW) + 0.5
    chol = np.linalg.cholesky(NOISE.covariance(times - times[0]))
    model = LevelModel(NOISE, 0.0, 1e-4, BLOCK_S, 1000)
    out = _tallies("legacy_", "joint_", extra=("oracle_rate", "z_best"))
    task = progress.add_task(f"{lb_per_day:g} lb/day", total=runs)
    for _ in range(runs):
        y = chol @ rng.standard_normal(times.size) - rate * np.maximum(times - ONSET, 0.0)
        glr = RampGlr(model, window_blocks=WINDOW)
        alarmed = False
        for t, v in zip(times, y, strict=True):
            if glr.update(t, v) >= h:
                alarmed = t > ONSET
                break
        progress.advance(task)
        if not alarmed:
            continue  # a false alarm before the onset, or none: no interval to judge
        out["delay"].append(t + 0.5 - ONSET)
        lo, hi, rlo, rhi = _legacy(glr)
        out["legacy_onset"].append(lo <= ONSET <= hi)
        out["legacy_rate"].append(rlo <= rate <= rhi)
        out["legacy_onset_w"].append(hi - lo)
        out["legacy_rate_w"].append((rhi - rlo) / rate)
        est = glr.estimate()
        assert est is not None
        out["joint_onset"].append(est.low_blocks <= ONSET <= est.high_blocks)
        out["joint_rate"].append(est.rate_low_kg_per_block <= rate <= est.rate_high_kg_per_block)
        out["joint_onset_w"].append(est.high_blocks - est.low_blocks)
        out["joint_rate_w"].append((est.rate_high_kg_per_block - est.rate_low_kg_per_block) / rate)
        olo, ohi = _oracle(glr)
        out["oracle_rate"].append(olo <= rate <= ohi)
        out["z_best"].append((est.rate_kg_per_block - rate) / est.rate_se_kg_per_block)
    return out


def _cusum_size(
    lb_per_day: float, runs: int, rng: np.random.Generator, progress: Progress
) -> dict[str, list[float]]:
    rate = float(lb_per_day_to_kg_per_day(lb_per_day)) / 48.0  # kg per block
    settings = StatisticSettings(BLOCK_S, 4, DEFAULT_DESIGNS, WINDOW * BLOCK_S)
    h = STATISTICS["cusum-ar"].threshold(1.0, settings)
    n = HISTORY + int(ONSET) + WINDOW
    times = np.arange(n) + 0.5
    chol = np.linalg.cholesky(NOISE.covariance(times - times[0]))
    block_ns = round(BLOCK_S * 1e9)
    onset = HISTORY + ONSET  # blocks since the history began
    out = _tallies("former_", "", extra=("z_best",))
    task = progress.add_task(f"cusum-ar {lb_per_day:g} lb/day", total=runs)
    for _ in range(runs):
        y = chol @ rng.standard_normal(n) - rate * np.maximum(times - onset, 0.0)
        stat = CusumArStatistic(settings)
        stat.fit([list(enumerate(y[:HISTORY].tolist()))])
        assert stat.model is not None
        baseline = stat.model.mean_kg_per_s
        alarmed = False
        for block in range(HISTORY, n):
            if stat.update(block, float(y[block]), True) >= h:
                alarmed = block + 0.5 > onset
                break
        progress.advance(task)
        change = stat.estimate()
        if not alarmed or change is None:
            continue
        out["delay"].append(block + 1 - onset)
        truth_ns = onset * block_ns
        out["onset"].append(change.low_ns <= truth_ns <= change.high_ns)
        out["onset_w"].append((change.high_ns - change.low_ns) / block_ns)
        known = stat.reference_kg_per_s - baseline
        low, high = change.step_interval_kg_per_s(Z95)
        truth = rate / BLOCK_S
        out["rate"].append(known + low <= truth <= known + high)
        out["rate_w"].append((high - low) / truth)
        out["z_best"].append((known + change.step_kg_per_s - truth) / change.step_se_kg_per_s)
        flo, fhi, klo, khi = _cusum_former(stat)
        out["former_onset"].append(flo <= truth_ns <= fhi)
        out["former_onset_w"].append((fhi - flo) / block_ns)
        out["former_rate"].append(known + klo <= truth <= known + khi)
        out["former_rate_w"].append((khi - klo) / truth)
    return out


def _cusum_former(stat: CusumArStatistic) -> tuple[int, int, float, float]:
    """``cusum-ar``'s intervals as built before the joint region. [ns, kg/s]"""
    su, ss = stat.profile.sums()
    gain = np.maximum(su, 0.0) ** 2 / (2.0 * ss)
    best = int(np.argmax(gain))
    inside = np.flatnonzero(gain >= gain[best] - HALF_CHI2_95)
    spans = [(int(a.astype(np.int64)), int(b.astype(np.int64))) for a, b in stat.profile.span]
    step, half = su[best] / ss[best], Z95 / np.sqrt(ss[best])
    return (
        spans[int(inside.min())][0] - stat.block_ns,
        spans[int(inside.max())][1],
        float(step - half),
        float(step + half),
    )


#: Former intervals of the last ``glr-level`` estimate in the station (see :func:`_station`).
_LEGACY: list[tuple[float, float, float, float]] = []


def _station(runs: int, lb_per_day: float, progress: Progress) -> dict[str, list[float]]:
    """Coverage of the first ``leak_onset`` of ``glr-level`` in the simulated station."""
    start = "2026-05-01T00:00:00Z"
    estimate = GlrLevelStatistic.estimate

    def recording(self: GlrLevelStatistic) -> object:
        if self.glr is not None and self.glr.tau.size:
            _LEGACY.append(_legacy(self.glr))
        return estimate(self)

    GlrLevelStatistic.estimate = recording  # type: ignore[method-assign]
    history = simulate(
        scenario_from_dict({"simulation": {"duration": "3d", "seed": 900, "start": start}})
    )
    fitted = LeakDetector(history.habitat, statistic="glr-level").fit(history.to_telemetry())
    onset = np.datetime64(start.rstrip("Z"), "ns") + np.timedelta64(6, "h")
    # The detector's own block (10 min for glr-level by default): the former
    # intervals come in its blocks; the table's units are 30-min blocks.
    block_s = fitted.block_s
    onset_blocks = int(onset.astype(np.int64)) / (block_s * 1e9)
    truth = float(kg_per_day_to_kg_per_s(lb_per_day_to_kg_per_day(lb_per_day)))
    out = _tallies("legacy_", "joint_")
    task = progress.add_task("station", total=runs)
    for seed in range(1000, 1000 + runs):
        leak = {"module": "PrK", "model": "orifice", "rate_lb_per_day": lb_per_day, "onset": "6h"}
        run = simulate(
            scenario_from_dict(
                {
                    "simulation": {"duration": "3d", "seed": seed, "start": start},
                    "leaks": [leak],
                }
            )
        )
        _LEGACY.clear()
        result = detect_leaks(run.to_telemetry(), history.habitat, detector=copy.deepcopy(fitted))
        progress.advance(task)
        alarms = [a for a in result.alarms if a.kind == "leak_onset"]
        if not alarms or alarms[0].time <= onset or not _LEGACY:
            continue
        alarm = alarms[0]
        assert alarm.leak_rate_ci95_kg_per_s is not None
        out["delay"].append(float((alarm.time - onset) / np.timedelta64(1, "m")) / 30.0)
        lo, hi = alarm.onset_ci95
        out["joint_onset"].append(lo <= onset <= hi)
        out["joint_onset_w"].append(float((hi - lo) / np.timedelta64(1, "m")) / 30.0)
        rlo, rhi = alarm.leak_rate_ci95_kg_per_s
        out["joint_rate"].append(rlo <= truth <= rhi)
        out["joint_rate_w"].append((rhi - rlo) / truth)
        # The first estimate is the first alarm's (the reference is the baseline then).
        tlo, thi, klo, khi = _LEGACY[0]
        out["legacy_onset"].append(tlo <= onset_blocks <= thi)
        out["legacy_onset_w"].append((thi - tlo) * block_s / BLOCK_S)
        out["legacy_rate"].append(klo / block_s <= truth <= khi / block_s)
        out["legacy_rate_w"].append((khi - klo) / block_s / truth)
    GlrLevelStatistic.estimate = estimate  # type: ignore[method-assign]
    return out


def _share(hits: list[float]) -> str:
    n = len(hits)
    p = float(np.mean(hits)) if n else float("nan")
    return f"{100 * p:.1f} ± {100 * np.sqrt(p * (1 - p) / max(n, 1)):.1f}"


def _interval_table(
    title: str,
    results: dict[float, dict[str, list[float]]],
    before: str,
    after: str,
    oracle: bool = False,
) -> Table:
    """One row per leak size: coverage and widths of the ``before`` and ``after`` intervals.

    ``results`` keys are ``{before}_onset`` and ``{after}onset`` (and ``_rate``, ``_w``).
    """
    names = (before, "joint")
    columns = ["lb/day", "alarms after onset", "median delay (h)"]
    columns += [f"{kind} {name}" for kind in ("onset", "rate") for name in names]
    columns += ["rate oracle (true onset)"] if oracle else []
    columns += [
        "mean z of rate at alarm",
        f"median onset width (h) {before} / joint",
        f"median rate width / L {before} / joint",
    ]
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right")
    for size, r in results.items():

        def pair(kind: str, r: dict[str, list[float]] = r) -> tuple[list[float], list[float]]:
            return r[f"{before}_{kind}"], r[f"{after}{kind}"]

        onset_w, rate_w = pair("onset_w"), pair("rate_w")
        row = [f"{size:g}", f"{len(r['delay'])}", f"{np.median(r['delay']) / 2:.1f}"]
        row += [_share(h) for kind in ("onset", "rate") for h in pair(kind)]
        row += [_share(r["oracle_rate"])] if oracle else []
        row += [
            f"{np.mean(r['z_best']):+.2f}",
            f"{np.median(onset_w[0]) / 2:.1f} / {np.median(onset_w[1]) / 2:.1f}",
            f"{np.median(rate_w[0]):.2f} / {np.median(rate_w[1]):.2f}",
        ]
        table.add_row(*row)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.0, 4.0, 8.0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cusum", action="store_true", help="also measure cusum-ar")
    parser.add_argument("--station", type=int, default=0, help="runs in the simulated station")
    parser.add_argument("--station-lb-per-day", type=float, default=10.0)
    args = parser.parse_args()
    began = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    results = {}
    with Progress(console=console, transient=True) as progress:
        for size in args.sizes:
            results[size] = _one_size(size, args.runs, rng, progress)
    title = (
        f"glr-level alarm intervals, nominal 95 % ({args.runs} runs per size, "
        f"seed {args.seed}; coverage % ± binomial s.e.)"
    )
    console.print(_interval_table(title, results, "legacy", "joint_", oracle=True))
    if args.cusum:
        cusum = {}
        with Progress(console=console, transient=True) as progress:
            for size in args.sizes:
                cusum[size] = _cusum_size(size, args.runs, rng, progress)
        title = "cusum-ar alarm intervals, nominal 95 % (coverage % ± s.e.)"
        console.print(_interval_table(title, cusum, "former", ""))
    if args.station:
        with Progress(console=console, transient=True) as progress:
            r = _station(args.station, args.station_lb_per_day, progress)
        table = Table(
            title=f"glr-level in the station, {args.station_lb_per_day:g} lb/day PrK hole "
            f"({args.station} runs; coverage % ± s.e.)"
        )
        for column in (
            "alarms after onset",
            "median delay (h)",
            "onset former",
            "onset joint",
            "rate former",
            "rate joint",
            "median onset width (h) former / joint",
            "median rate width / L former / joint",
        ):
            table.add_column(column, justify="right")
        table.add_row(
            f"{len(r['delay'])}",
            f"{np.median(r['delay']) / 2:.1f}",
            _share(r["legacy_onset"]),
            _share(r["joint_onset"]),
            _share(r["legacy_rate"]),
            _share(r["joint_rate"]),
            f"{np.median(r['legacy_onset_w']) / 2:.1f} / {np.median(r['joint_onset_w']) / 2:.1f}",
            f"{np.median(r['legacy_rate_w']):.2f} / {np.median(r['joint_rate_w']):.2f}",
        )
        console.print(table)
    console.print(f"{time.perf_counter() - began:.1f} s", highlight=False)


if __name__ == "__main__":
    main()
