"""Benchmark: leak detection delay against false alarms, the CUSUM bank against naive rules.

Two settings: the PrK isolated (its own 5 m^3 compartment) and the whole station with
every hatch open (the PrK leak shows in about 1,000 m^3).  Leaks of 0.25, 0.5, 1, 2
and 4 lb/day (at 760 mmHg, an orifice) open at ``ONSET`` in each run.  In the same runs:

* ``cusum``: :class:`hullwatch.detect.LeakDetector`, fitted on a separate leak-free
  history of the same setting, threshold from the requested false-alarm rate (theory);
* ``glr``: the same detector with ``statistic="glr-level"`` (GLR for a ramp on the
  Kalman-whitened gas-mass level; threshold by a union bound, theory);
* ``fixed_limit``: alarm when the compartment pressure falls below its value at the
  start of monitoring by more than a margin;
* ``rolling_slope``: alarm when the least-squares pressure slope over the last 6 h
  falls below a limit;
* ``pelt``: ruptures' PELT (L2 cost on the pressure change per 30-min block), an
  offline change-point method, rerun every 2 h on the data so far.

The naive rules are given the most favourable margins: the largest excursion each
reaches (for PELT, the least penalty that stays silent) over the leak-free runs of
the benchmark itself (so no false alarm there,
about one per the runs' total length).  The CUSUM and the GLR are run at 0.1, 1 and
10 false alarms per year and at that matched rate (their thresholds by theory); their
false alarms on the same leak-free runs are counted and reported.  The theory's
thresholds are conservative, so at a requested rate equal to the naive rules' the
statistics alarm far less often than the naive rules do.  Each statistic is
therefore also given its limit by the naive rules' own rule (``@same``): its
largest value on the PrK's compartment over the same leak-free runs.  That
compares all detectors at the same measured false-alarm rate.

Usage::

    python benchmarks/bench_detect.py [--quick] [--seeds 3] [--days 4]
        [--setting prk|station|both] [--statistics cusum-ar,glr-level]
        [--sizes 0.25,0.5,1,2,4] [--clean-seeds N] [--no-pelt] [--history-days 3]
        [--reml-bias-draws 16] [--jobs 2]

Only the default full run rewrites ``results/detect.json``; any other selection
writes ``results/detect_<setting>_<statistics>.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.detect import LeakDetector, Monitor, Snapshot, grid_samples
from hullwatch.detect.glr import DEFAULT_REML_BIAS_DRAWS
from hullwatch.detect.model import Alarm
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MINUTE, pa_to_mmhg

#: Wide enough for the full table (a dozen columns).
console = Console(width=240)
START = "2026-05-01T00:00:00Z"
ONSET_H = 6.0
SIZES_LB_PER_DAY = (0.25, 0.5, 1.0, 2.0, 4.0)
SLOPE_WINDOW_S = 6 * SECONDS_PER_HOUR
#: PELT runs on the pressure change per 30-min block, from the fourth block on.
PELT_BLOCK_S = 1800.0
PELT_MIN_BLOCKS = 4
#: PELT is rerun every 4 blocks (2 h): each rerun costs O(n^2), so its delays are
#: quantized at 2 h.
PELT_EVERY_BLOCKS = 4
RESULTS = Path(__file__).parent / "results" / "detect.json"
#: Requested rate of the probe detectors (:func:`probe_scores`): far below any limit. [1/year]
PROBE_RATE = 1e-9
#: Column label of each statistic.
LABELS = {"cusum-ar": "cusum", "glr-level": "glr"}


def scenario(setting: str, days: float, seed: int, rate_lb_per_day: float) -> dict[str, Any]:
    """One run: the setting's hatches, and a PrK leak from ``ONSET_H`` (none if rate 0)."""
    hatches = []
    if setting == "prk":
        hatches = [
            {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
            {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
        ]
    doc: dict[str, Any] = {
        "simulation": {"duration": f"{days}d", "seed": seed, "start": START},
        "hatch_events": hatches,
    }
    if rate_lb_per_day > 0:
        doc["leaks"] = [
            {
                "module": "PrK",
                "model": "orifice",
                "rate_lb_per_day": rate_lb_per_day,
                "onset": f"{ONSET_H}h",
            }
        ]
    return doc


def snapshots(result: SimulationResult) -> list[Snapshot]:
    """The causal gas-mass grid of a run (computed once, fed to every detector)."""
    return list(grid_samples(result.to_telemetry(), result.habitat))


def _prk_series(shots: list[Snapshot]) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed time [s] and pressure [Pa] of the compartment holding the PrK."""
    t, p = [], []
    t0 = shots[0].time
    for shot in shots:
        for s in shot.samples:
            if "PrK" in s.compartment:
                t.append((shot.time - t0) / np.timedelta64(1, "s"))
                p.append(s.pressure_pa)
    return np.array(t), np.array(p)


def fixed_limit_stat(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Fall of the pressure below its value at the first sample. [Pa]"""
    return p[0] - p


def rolling_slope_stat(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Minus the least-squares slope over the trailing ``SLOPE_WINDOW_S`` (causal). [Pa/s]"""
    out = np.full(t.size, -np.inf)
    n = int(SLOPE_WINDOW_S / 60.0)
    for k in range(n, t.size):
        tt, pp = t[k - n : k + 1], p[k - n : k + 1]
        tc = tt - tt.mean()
        out[k] = -float(tc @ (pp - pp.mean()) / (tc @ tc))
    return out


def run_detector(
    shots: list[Snapshot], detector: LeakDetector, onset_s: float
) -> tuple[float, int]:
    """Delay of the first leak alarm after the onset (h), and leak alarms before it."""
    monitor = Monitor(detector)
    t0 = shots[0].time
    false = 0
    for shot in shots:
        for item in monitor.feed(shot):
            if not isinstance(item, Alarm) or item.kind == "rapid_depress":
                continue
            elapsed = (item.time - t0) / np.timedelta64(1, "s")
            if "PrK" not in item.compartment or elapsed <= onset_s:
                false += 1
                continue
            return (elapsed - onset_s) / SECONDS_PER_HOUR, false
    return float("inf"), false


def probe_scores(shots: list[Snapshot], detector: LeakDetector) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed time [s] and statistic of the PrK's compartment after every grid sample.

    ``detector`` is run at a negligible requested rate (:data:`PROBE_RATE`), so that
    it does not alarm (and reset) before its statistic crosses any limit of interest:
    the first crossing of a limit is then the alarm a detector with that threshold
    would raise.
    """
    monitor = Monitor(detector)
    t0 = shots[0].time
    times, scores = [], []
    for shot in shots:
        # A statistic that leaps past the probe's own threshold alarms and resets in
        # the same block: the alarm carries its value.
        fired = [
            item.statistic
            for item in monitor.feed(shot)
            if isinstance(item, Alarm)
            and item.kind != "rapid_depress"
            and "PrK" in item.compartment
            and item.statistic is not None
        ]
        prk = [v for k, v in detector.scores.items() if "PrK" in k]
        times.append((shot.time - t0) / np.timedelta64(1, "s"))
        scores.append(max([*fired, *prk, 0.0]))
    return np.array(times), np.array(scores)


def _block_rates(t: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """End time [s] and pressure change [Pa] of each 30-min block (pressure only, naive)."""
    block = np.floor(t / PELT_BLOCK_S).astype(np.int64)
    keys, index = np.unique(block, return_inverse=True)
    means = np.bincount(index, weights=p) / np.bincount(index)
    return (keys[1:] + 1) * PELT_BLOCK_S, np.diff(means)


def pelt_alarm_times(t: np.ndarray, p: np.ndarray, penalty: float, scale: float) -> np.ndarray:
    """Times [s] at which PELT, run offline on all blocks so far, first sees a change.

    ruptures' PELT with an L2 cost (a shift in the mean pressure change per block),
    rerun every ``PELT_EVERY_BLOCKS`` blocks on the data up to then, so that it can
    raise an alarm as a monitor would.
    """
    import ruptures

    ends, rates = _block_rates(t, p)
    series = rates / scale
    alarms = []
    for k in range(PELT_MIN_BLOCKS, series.size + 1, PELT_EVERY_BLOCKS):
        breaks = ruptures.Pelt(model="l2", min_size=2, jump=1).fit(series[:k]).predict(pen=penalty)
        if len(breaks) > 1:
            alarms.append(ends[k - 1])
    return np.array(alarms)


def calibrate_pelt(clean: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """Smallest penalty at which PELT finds no change in any leak-free run, and the scale.

    Like the other naive rules, PELT gets its most favourable margin: the least
    penalty that stays silent on the leak-free runs (bisection on the log penalty).
    """
    scale = float(np.std(np.concatenate([_block_rates(t, p)[1] for t, p in clean])))
    lo, hi = 1.0, 1e3
    for _ in range(8):
        mid = float(np.sqrt(lo * hi))
        quiet = all(pelt_alarm_times(t, p, mid, scale).size == 0 for t, p in clean)
        lo, hi = (lo, mid) if quiet else (mid, hi)
    return hi, scale


def first_crossing_h(t: np.ndarray, stat: np.ndarray, limit: float, onset_s: float) -> float:
    """Delay (h) of the first crossing after the onset."""
    hit = np.flatnonzero((stat > limit) & (t > onset_s))
    return float((t[hit[0]] - onset_s) / SECONDS_PER_HOUR) if hit.size else float("inf")


#: Fitted detectors of the setting being run, by (statistic, requested rate); set in
#: the parent before the worker pool forks, so that workers inherit them.
_FITTED: dict[tuple[str, float], LeakDetector] = {}


def _clean_run(setting: str, days: float, seed: int) -> dict[str, Any]:
    """One leak-free run: every detector's false alarms, and every rule's largest excursion."""
    shots = snapshots(simulate(scenario_from_dict(scenario(setting, days, 500 + seed, 0))))
    t, p = _prk_series(shots)
    out: dict[str, Any] = {
        "t": t,
        "p": p,
        "fixed_max": float(fixed_limit_stat(t, p).max()),
        "slope_max": float(rolling_slope_stat(t, p).max()),
        "false": {},
        "probe_max": {},
        "compartments": len({s.compartment for shot in shots[-10:] for s in shot.samples}),
    }
    for key, detector in _FITTED.items():
        if key[1] == PROBE_RATE:
            out["probe_max"][key[0]] = float(probe_scores(shots, _copy(detector))[1].max())
        else:
            out["false"][key] = run_detector(shots, _copy(detector), float("inf"))[1]
    return out


def _leak_run(setting: str, days: float, seed: int, size: float, onset_s: float) -> dict[str, Any]:
    """One leak run: every detector's delay and early alarms, the probes' statistics."""
    doc = scenario(setting, days, 100 + seed, size)
    shots = snapshots(simulate(scenario_from_dict(doc)))
    t, p = _prk_series(shots)
    out: dict[str, Any] = {"t": t, "p": p, "delay": {}, "false": {}, "probe": {}}
    for key, detector in _FITTED.items():
        if key[1] == PROBE_RATE:
            out["probe"][key[0]] = probe_scores(shots, _copy(detector))
        else:
            out["delay"][key], out["false"][key] = run_detector(shots, _copy(detector), onset_s)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 days, one rate")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--clean-seeds", type=int, default=None, help="leak-free runs")
    parser.add_argument("--days", type=float, default=4.0)
    parser.add_argument("--setting", choices=("prk", "station", "both"), default="both")
    parser.add_argument("--statistics", default="cusum-ar,glr-level")
    parser.add_argument("--sizes", default=",".join(f"{v:g}" for v in SIZES_LB_PER_DAY))
    parser.add_argument("--no-pelt", action="store_true", help="skip PELT (slow)")
    parser.add_argument("--history-days", type=float, default=3.0, help="leak-free fit history")
    parser.add_argument(
        "--block-min", type=float, default=None, help="detector block [min] (the statistic's)"
    )
    parser.add_argument(
        "--reml-bias-draws",
        type=int,
        default=DEFAULT_REML_BIAS_DRAWS,
        help="glr-level's REML bias correction (0: the REML optimum)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    seeds = 1 if args.quick else args.seeds
    clean_seeds = seeds if args.clean_seeds is None else args.clean_seeds
    days = 3.0 if args.quick else args.days
    statistics = tuple(args.statistics.split(","))
    sizes = tuple(float(v) for v in args.sizes.split(","))
    settings = ("prk", "station") if args.setting == "both" else (args.setting,)
    # The naive limits allow no false alarm over the leak-free runs, i.e. about one
    # per their total length: the detectors are also run at that matched rate.
    matched = round(365.25 / (clean_seeds * days), 1)
    # The matched rate is left out where it is one of the others (a year of runs: 1.0).
    rates = tuple(dict.fromkeys((1.0, matched) if args.quick else (0.1, 1.0, 10.0, matched)))
    onset_s = ONSET_H * SECONDS_PER_HOUR
    began = time.perf_counter()
    report: dict[str, Any] = {
        "days": days,
        "seeds": seeds,
        "clean_seeds": clean_seeds,
        "onset_h": ONSET_H,
        "history_days": args.history_days,
        "block_min": args.block_min,
        "reml_bias_draws": args.reml_bias_draws,
        "statistics": list(statistics),
        "settings": {},
    }
    keys = [(stat, n) for stat in statistics for n in rates]
    label = {(stat, n): f"{LABELS[stat]}@{n:g}" for stat, n in keys}
    # Each statistic's limit from the same leak-free runs as the naive rules.
    same = {stat: f"{LABELS[stat]}@same" for stat in statistics}
    for setting in settings:
        history = simulate(scenario_from_dict(scenario(setting, args.history_days, 900, 0.0)))
        _FITTED.clear()
        for stat in statistics:
            # One fit per statistic: the learned models do not depend on the rate.
            once = LeakDetector(
                history.habitat,
                statistic=stat,
                block_s=None if args.block_min is None else args.block_min * SECONDS_PER_MINUTE,
                reml_bias_draws=args.reml_bias_draws,
            ).fit(history.to_telemetry())
            for rate in (*rates, PROBE_RATE):
                _FITTED[stat, rate] = once.at_rate(rate)
        with Pool(args.jobs) as pool, Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"{setting}: leak-free runs", total=clean_seeds)
            clean = []
            for run in pool.imap(partial(_clean_run, setting, days), range(clean_seeds)):
                clean.append(run)
                progress.advance(task)
            fixed_max = max(run["fixed_max"] for run in clean)
            slope_max = max(run["slope_max"] for run in clean)
            probe_max = {stat: max(run["probe_max"][stat] for run in clean) for stat in statistics}
            clean_false = {key: sum(run["false"][key] for run in clean) for key in keys}
            compartments = clean[-1]["compartments"]
            clean_series = [(run["t"], run["p"]) for run in clean]
            penalty, scale = (float("nan"), 1.0) if args.no_pelt else calibrate_pelt(clean_series)
            jobs = [(seed, size) for size in sizes for seed in range(seeds)]
            task = progress.add_task(f"{setting}: leak runs", total=len(jobs))
            leaks = []
            for run in pool.starmap(
                partial(_leak_run, setting, days, onset_s=onset_s),
                jobs,
            ):
                leaks.append(run)
                progress.advance(task)
        rows = []
        for size in sizes:
            delays: dict[str, list[float]] = {label[key]: [] for key in keys}
            delays |= {same[stat]: [] for stat in statistics}
            delays |= {"fixed_limit": [], "rolling_slope": [], "pelt": []}
            leak_false = dict.fromkeys(keys, 0)
            early_same = dict.fromkeys(statistics, 0)
            for (_, run_size), run in zip(jobs, leaks, strict=True):
                if run_size != size:
                    continue
                for key in keys:
                    delays[label[key]].append(run["delay"][key])
                    leak_false[key] += run["false"][key]
                for stat in statistics:
                    tp, score = run["probe"][stat]
                    delays[same[stat]].append(first_crossing_h(tp, score, probe_max[stat], onset_s))
                    early_same[stat] += int(np.any((score > probe_max[stat]) & (tp <= onset_s)))
                t, p = run["t"], run["p"]
                delays["fixed_limit"].append(
                    first_crossing_h(t, fixed_limit_stat(t, p), fixed_max, onset_s)
                )
                delays["rolling_slope"].append(
                    first_crossing_h(t, rolling_slope_stat(t, p), slope_max, onset_s)
                )
                if args.no_pelt:
                    delays["pelt"].append(float("inf"))
                    continue
                alarm_s = pelt_alarm_times(t, p, penalty, scale)
                after = alarm_s[alarm_s > onset_s]
                delays["pelt"].append(
                    float((after[0] - onset_s) / SECONDS_PER_HOUR) if after.size else float("inf")
                )
            medians = {k: float(np.median(v)) for k, v in delays.items()}
            rows.append(
                {
                    "size_lb_per_day": size,
                    "median_delay_h": medians,
                    "delays_h": delays,
                    "false_alarms_before_onset": {label[k]: leak_false[k] for k in keys},
                    "same_limit_crossings_before_onset": {
                        same[stat]: early_same[stat] for stat in statistics
                    },
                }
            )
        report["settings"][setting] = {
            "rows": rows,
            "clean_false_alarms": {label[k]: clean_false[k] for k in keys},
            "clean_days": clean_seeds * days,
            "clean_compartment_days": clean_seeds * days * compartments,
            "fixed_limit_mmHg": float(pa_to_mmhg(fixed_max)),
            "rolling_slope_limit_mmHg_per_day": float(pa_to_mmhg(slope_max)) * SECONDS_PER_DAY,
            "pelt_penalty": penalty,
            "pelt_run": not args.no_pelt,
            "same_limits": {same[stat]: probe_max[stat] for stat in statistics},
            "thresholds": {label[k]: _FITTED[k].threshold for k in keys},
        }
        _table(
            setting,
            report["settings"][setting],
            [label[k] for k in keys],
            matched,
            list(same.values()),
        )
    report["wall_s"] = time.perf_counter() - began
    default = (
        args.setting == "both"
        and statistics == ("cusum-ar", "glr-level")
        and sizes == SIZES_LB_PER_DAY
        and not args.no_pelt
        and args.history_days == 3.0
        and args.block_min is None
        and args.reml_bias_draws == DEFAULT_REML_BIAS_DRAWS
    )
    if not args.quick:
        path = RESULTS
        if not default:
            block = "" if args.block_min is None else f"_b{args.block_min:g}min"
            bias = (
                ""
                if args.reml_bias_draws == DEFAULT_REML_BIAS_DRAWS
                else f"_bias{args.reml_bias_draws}"
            )
            name = (
                f"detect_{args.setting}_{'_'.join(statistics)}_h{args.history_days:g}d"
                f"{block}{bias}.json"
            )
            path = RESULTS.with_name(name)
        # results/ is not in the repository (.gitignore): a fresh clone has none yet.
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_finite(report), indent=1, allow_nan=False) + "\n")
    console.print(f"wall time {report['wall_s']:.0f} s")


def _copy(detector: LeakDetector) -> LeakDetector:
    import copy

    return copy.deepcopy(detector)


def _finite(value: Any) -> Any:
    """The report with every infinite delay (not detected) as ``None``."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _fmt(hours: float) -> str:
    return "not seen" if not np.isfinite(hours) else f"{hours:.1f}"


def _table(
    setting: str, data: dict[str, Any], labels: list[str], matched: float, same: list[str]
) -> None:
    title = {"prk": "PrK isolated (5 m^3)", "station": "whole station, hatches open"}[setting]
    table = Table(title=f"Median detection delay (h) after onset: {title}")
    table.add_column("leak (lb/day)", justify="right")
    for name in labels:
        table.add_column(name.replace("@", " ") + "/yr", justify="right")
    table.add_column("fixed limit", justify="right")
    table.add_column("rolling slope", justify="right")
    table.add_column("PELT (rerun)", justify="right")
    for name in same:
        table.add_column(f"{name.split('@')[0]}, same limit rule", justify="right")
    at_matched = [name for name in labels if name.endswith(f"@{matched:g}")]
    for name in at_matched:
        table.add_column(f"{name.split('@')[0]} {matched:g}/yr / best naive", justify="right")
    for name in same:
        table.add_column(f"{name.split('@')[0]} same rule / best naive", justify="right")
    for row in data["rows"]:
        m = row["median_delay_h"]
        best = min(m["fixed_limit"], m["rolling_slope"], m["pelt"])
        ratios = []
        for name in [*at_matched, *same]:
            ours = m[name]
            ratio = ours / best if np.isfinite(ours) and np.isfinite(best) else float("nan")
            ratios.append("-" if not np.isfinite(ratio) else f"{ratio:.2f}")
        table.add_row(
            f"{row['size_lb_per_day']:g}",
            *[_fmt(m[name]) for name in labels],
            _fmt(m["fixed_limit"]),
            _fmt(m["rolling_slope"]),
            _fmt(m["pelt"]) if data["pelt_run"] else "not run",
            *[_fmt(m[name]) for name in same],
            *ratios,
        )
    console.print(table)
    console.print(
        f"leak-free runs ({data['clean_days']:g} days, "
        f"{data['clean_compartment_days']:g} compartment-days): false alarms "
        + ", ".join(f"{k}/yr: {v}" for k, v in data["clean_false_alarms"].items())
        + "; before the onset in the leak runs: "
        + ", ".join(
            f"{k}: {sum(r['false_alarms_before_onset'][k] for r in data['rows'])}" for k in labels
        )
        + f"; naive limits set at their largest leak-free excursion: "
        f"{data['fixed_limit_mmHg']:.2f} mmHg and "
        f"{data['rolling_slope_limit_mmHg_per_day']:.2f} mmHg/day; "
        f"PELT penalty {data['pelt_penalty']:.1f} (block changes in units of their sd); "
        "the statistics' limits by the same rule (their largest leak-free value): "
        + ", ".join(f"{k}: {v:.2f}" for k, v in data["same_limits"].items())
        + " (theory: "
        + ", ".join(f"{k}/yr: {v:.2f}" for k, v in data["thresholds"].items())
        + "); crossings of those limits before the onset in the leak runs: "
        + ", ".join(
            f"{k}: {sum(r['same_limit_crossings_before_onset'][k] for r in data['rows'])}"
            for k in same
        ),
        highlight=False,
    )


if __name__ == "__main__":
    main()
