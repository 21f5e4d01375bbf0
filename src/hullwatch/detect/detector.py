"""The causal leak detector: hyperparameters in ``__init__``, ``fit`` on history, ``update``.

For each compartment (one per hatch configuration, from the hatch channels):

1. Gas-mass grid samples (:mod:`hullwatch.detect.grid`) are averaged over blocks of
   ``block_s`` (by default the statistic's: 10 min for ``glr-level``, 30 min for
   ``cusum-ar``).
2. At the end of each block, :func:`hullwatch.analysis.steps.find_steps` runs on the
   trailing ``step_window_s`` of the grid.  Blocks touching a repress, or a depress
   at least as fast as the rapid-depress rate (which that rule reports), or their
   settling time (``settle_s``, as the leak-rate fit uses), are cut out.  A slower
   gas-mass fall stays in: a hole that opens suddenly looks exactly like it.
3. The clean block means feed the statistic chosen by name from
   :data:`hullwatch.detect.registry.STATISTICS`: ``cusum-ar`` whitens the
   loss rate between consecutive clean blocks by an AR noise model and runs a CUSUM
   bank on it; ``glr-level`` (default) whitens the gas-mass level itself by the Kalman filter
   of an OU + random-walk + white noise model and runs a GLR for a leak ramp over
   the change points of the last ``onset_lookback_s``.
4. The decision rule (:mod:`hullwatch.detect.rule`) fires at the threshold the
   registry pairs with the statistic, set from the requested false-alarm rate.
5. On an alarm the onset and the rate step are estimated by the statistic, and the
   noise model and reference rate are re-learned over ``warmup_s`` of new data,
   after which a further step is a ``leak_increase``.

A compartment first seen without a model learns one over ``warmup_s`` of its own
data (``fit`` supplies models beforehand).  The rapid-depress rule
(:mod:`hullwatch.detect.rapid`) runs on every grid sample from the start.
Every step uses samples up to the current one only.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from hullwatch.analysis.rate import DEFAULT_SETTINGS
from hullwatch.analysis.reserve import FLOOR_MMHG
from hullwatch.analysis.steps import find_steps
from hullwatch.detect.glr import DEFAULT_ORBITAL_PERIOD_ERROR_S, DEFAULT_REML_BIAS_DRAWS
from hullwatch.detect.grid import GasSample, grid_samples
from hullwatch.detect.model import Alarm, StreamEvent
from hullwatch.detect.rapid import RapidDepressRule
from hullwatch.detect.registry import (
    AUTO_GLR_MIN_VOLUME_M3,
    STATISTICS,
    BlockStatistic,
    NoiseSummary,
    Piece,
    StatisticSettings,
    default_block_s,
    statistic_choice,
    statistic_spec,
)
from hullwatch.detect.rule import ThresholdRule
from hullwatch.errors import AnalysisError, InputError
from hullwatch.events import DEFAULT_EVENT_SETTINGS
from hullwatch.habitat import Compartment, Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.quantiles import Z95
from hullwatch.telemetry import Telemetry
from hullwatch.units import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_MINUTE,
    kg_per_day_to_lb_per_day,
    kg_per_s_to_kg_per_day,
    mmhg_to_pa,
)

#: The statistic a detector runs unless told otherwise: measured as fast as or faster
#: than ``cusum-ar`` at every leak size in both benchmark settings, with no false
#: alarm (docs/detection.md).
DEFAULT_STATISTIC = "glr-level"


@dataclass
class _Track:
    """Everything the detector keeps for one compartment (bounded in size)."""

    key: Compartment
    grid: deque[tuple[int, float]]
    marks: deque[tuple[int, int]]
    stat: BlockStatistic
    rule: ThresholdRule
    rapid: RapidDepressRule
    block: int | None = None
    block_sum: float = 0.0
    block_count: int = 0
    prev: tuple[int, float, bool] | None = None
    pieces: list[Piece] = field(default_factory=list)
    n_learned: int = 0
    baseline_kg_per_s: float | None = None
    alarmed: bool = False
    score: float = 0.0
    reported_until: int = -(2**62)
    last_time: int | None = None


#: Shifts (in innovation standard deviations) the default CUSUM bank is tuned to.
DEFAULT_DESIGNS = (0.5, 1.0, 2.0, 4.0)


class LeakDetector:
    """Sequential leak detection on the temperature-compensated gas mass of each compartment.

    Parameters
    ----------
    habitat : Habitat
        Modules, hatches and channels.
    false_alarms_per_year : float
        Allowed leak false alarms per year per compartment. [1/year]
    block_s : float, optional
        Block over which the gas mass is averaged; the statistic updates once per
        block, so an alarm waits for a block's end.  Default: the statistic's
        (:func:`hullwatch.detect.registry.default_block_s`; 10 min for ``glr-level``,
        30 min for ``cusum-ar`` and ``auto``). [s]
    grid_s : float
        Gas-mass grid. [s]
    ar_order : int
        Order of the AR noise model of the block rates.
    designs : tuple of float
        Innovation shifts the CUSUM members are tuned to. [noise standard deviations]
    warmup_s : float
        Clean data a compartment needs to learn (or re-learn) its noise model. [s]
    step_window_s : float
        Trailing grid searched for gas steps at each block end. [s]
    settle_s : float
        Data cut out after each gas step. [s]
    onset_lookback_s : float
        Evidence kept to date an onset; for ``glr-level`` also the window of
        candidate change points. [s]
    rapid_rate_mmhg_per_min : float
        Rapid-depress rate: the Russian "emergency leak" level starts at 0.5 mmHg/min
        (iss-facts.md). [mmHg/min]
    rapid_min_drop_mmhg : float
        Smallest fall that can raise a rapid depress (ten 0.101 mmHg quanta of the
        ISS Lab gauge). [mmHg]
    rapid_window_s : float
        Look-back of the rapid-depress rule. [s]
    floor_mmhg : float
        Floor for the reserve time: 520 mmHg (iss-facts.md). [mmHg]
    stale_s : float
        No row for this long is a loss of signal. [s]
    gas : Gas
        The cabin gas.
    statistic : str
        The detection statistic by its name in
        :data:`hullwatch.detect.registry.STATISTICS` (``cusum-ar``, or ``glr-level``
        (default), for every compartment), or ``auto``: ``glr-level`` for
        compartments of at least
        :data:`~hullwatch.detect.registry.AUTO_GLR_MIN_VOLUME_M3`, ``cusum-ar`` for
        smaller ones.
    orbital_period_s : float
        Period of the orbital cycle ``glr-level`` carries (the unseen swing of the
        gas temperature); the ISS orbit lasts 91.5-93 min with altitude. [s]
    orbital_period_error_s : float
        Largest error of ``orbital_period_s`` (default 1 min, the farthest end of
        91.5-93 min from 92.0): the cycle gets the random walk that follows the
        phase slip of such an error (:func:`hullwatch.detect.glr.cycle_walk_variance`);
        0 makes it deterministic. [s]
    reml_bias_draws : int
        Parametric-bootstrap draws that correct REML's short bias in the correlation
        time of ``glr-level``'s noise model (default 16, the leak-rate fit's); 0
        keeps the REML optimum.  Learned from 2 days without it, the PrK setting's
        compartments crossed the threshold of 1 per year 6 times in 1,080
        compartment-days, where 3.0 were allowed; with it, never
        (docs/detection.md).
    """

    def __init__(
        self,
        habitat: Habitat,
        *,
        false_alarms_per_year: float = 1.0,
        block_s: float | None = None,
        grid_s: float = 60.0,
        ar_order: int = 4,
        designs: tuple[float, ...] = DEFAULT_DESIGNS,
        warmup_s: float = 2.0 * SECONDS_PER_DAY,
        step_window_s: float = 6.0 * SECONDS_PER_HOUR,
        settle_s: float = 30.0 * SECONDS_PER_MINUTE,
        onset_lookback_s: float = 7.0 * SECONDS_PER_DAY,
        rapid_rate_mmhg_per_min: float = 0.5,
        rapid_min_drop_mmhg: float = 1.0,
        rapid_window_s: float = 5.0 * SECONDS_PER_MINUTE,
        floor_mmhg: float = FLOOR_MMHG,
        stale_s: float = 10.0 * SECONDS_PER_MINUTE,
        gas: Gas = CABIN_AIR,
        statistic: str = DEFAULT_STATISTIC,
        orbital_period_s: float = DEFAULT_SETTINGS.orbital_period_s,
        orbital_period_error_s: float = DEFAULT_ORBITAL_PERIOD_ERROR_S,
        reml_bias_draws: int = DEFAULT_REML_BIAS_DRAWS,
    ) -> None:
        self._choose = statistic_choice(statistic)
        if block_s is None:
            block_s = default_block_s(statistic)
        for name, value in (
            ("block_s", block_s),
            ("grid_s", grid_s),
            ("warmup_s", warmup_s),
            ("rapid_rate_mmhg_per_min", rapid_rate_mmhg_per_min),
            ("orbital_period_s", orbital_period_s),
        ):
            if not np.isfinite(value) or value <= 0.0:
                raise InputError(f"{name} must be positive", field=name)
        if block_s < 4 * grid_s:
            raise InputError("a block must hold at least four grid samples", field="block_s")
        if not np.isfinite(orbital_period_error_s) or orbital_period_error_s < 0.0:
            raise InputError(
                "orbital_period_error_s must be zero or positive", field="orbital_period_error_s"
            )
        if reml_bias_draws < 0:
            raise InputError("reml_bias_draws must be zero or positive", field="reml_bias_draws")
        self.habitat = habitat
        self.block_s = block_s
        self.grid_s = grid_s
        self.ar_order = ar_order
        self.designs = designs
        self.warmup_s = warmup_s
        self.step_window_s = step_window_s
        self.settle_s = settle_s
        self.onset_lookback_s = onset_lookback_s
        self.rapid_rate_mmhg_per_min = rapid_rate_mmhg_per_min
        self.rapid_min_drop_mmhg = rapid_min_drop_mmhg
        self.rapid_window_s = rapid_window_s
        self.floor_mmhg = floor_mmhg
        self.stale_s = stale_s
        self.gas = gas
        self.statistic = statistic
        self.orbital_period_s = orbital_period_s
        self.orbital_period_error_s = orbital_period_error_s
        self.reml_bias_draws = int(reml_bias_draws)
        self._settings = StatisticSettings(
            block_s,
            ar_order,
            tuple(designs),
            onset_lookback_s,
            orbital_period_s,
            orbital_period_error_s,
            self.reml_bias_draws,
        )
        self._set_rules(false_alarms_per_year)
        self._block_ns = round(block_s * 1e9)
        self._grid_ns = round(grid_s * 1e9)
        self._tracks: dict[Compartment, _Track] = {}
        self._events: deque[StreamEvent] = deque(maxlen=1000)
        self._fitting = False

    def _set_rules(self, false_alarms_per_year: float) -> None:
        self.false_alarms_per_year = false_alarms_per_year
        self._rules = {
            name: ThresholdRule(spec.threshold(false_alarms_per_year, self._settings))
            for name, spec in STATISTICS.items()
        }
        #: The rule of the statistic most compartments get (``cusum-ar`` under ``auto``).
        self.rule = self._rules[self._choose(0.0)]

    # ----------------------------------------------------------------- public API

    def at_rate(self, false_alarms_per_year: float) -> LeakDetector:
        """A copy that alarms at another requested rate, keeping what was learned.

        The noise models and reference rates do not depend on the rate, so a
        detector fitted once can be run at several rates without refitting.

        Parameters
        ----------
        false_alarms_per_year : float
            Allowed leak false alarms per year per compartment. [1/year]

        Returns
        -------
        LeakDetector
            An independent copy (its streaming state included) with the thresholds
            of that rate.
        """
        other = copy.deepcopy(self)
        other._set_rules(false_alarms_per_year)
        for key, track in other._tracks.items():
            track.rule = other._rules[other.statistic_for(key)]
        return other

    @property
    def threshold(self) -> float:
        """Threshold ``h`` of :attr:`rule`; each alarm carries its own. [-]"""
        return self.rule.threshold

    @property
    def method(self) -> str:
        """The statistic, as the JSON ``method`` names it (``auto``: both, and where)."""
        small, large = self._choose(0.0), self._choose(np.inf)
        if small == large:
            return statistic_spec(small).method
        return (
            f"{statistic_spec(large).method} for compartments of at least "
            f"{AUTO_GLR_MIN_VOLUME_M3:g} m3, else {statistic_spec(small).method}"
        )

    def statistic_for(self, compartment: Compartment) -> str:
        """The statistic a compartment gets."""
        return self._choose(self.habitat.volume_m3(compartment))

    @property
    def warmup_blocks(self) -> int:
        """Block rates needed to learn a noise model."""
        return max(round(self.warmup_s / self.block_s), 2 * self.ar_order + 4)

    @property
    def scores(self) -> dict[Compartment, float]:
        """The statistic of every watched compartment at its last block. [-]

        An alarm comes when it reaches the compartment's threshold (:attr:`threshold`,
        or the alarm's own under ``auto``).  A compartment that has alarmed is
        left out until it has re-learned; a new model starts from 0.
        """
        return {k: t.score for k, t in self._tracks.items() if t.stat.model is not None}

    def noise_models(self) -> dict[Compartment, NoiseSummary]:
        """The fitted noise model of every compartment that has one.

        Each has ``mean_kg_per_s`` and ``mean_se_kg_per_s`` (the reference rate).
        """
        return {k: t.stat.model for k, t in self._tracks.items() if t.stat.model is not None}

    def fit(self, history: Telemetry) -> LeakDetector:
        """Learn each compartment's noise model and reference rate from leak-free history.

        Every compartment seen in ``history`` with at least :attr:`warmup_blocks` clean
        block rates gets a model; others will learn online.  The streaming state is
        then cleared: the data that follows need not continue the history.

        Parameters
        ----------
        history : Telemetry
            Telemetry with no leak beyond the background (represses, hatch operations
            and thermal swings are fine: they are cut out or compensated).

        Returns
        -------
        LeakDetector
            ``self``.
        """
        self._fitting = True
        try:
            for snapshot in grid_samples(
                history, self.habitat, grid_s=self.grid_s, stale_s=self.stale_s, gas=self.gas
            ):
                for sample in snapshot.samples:
                    self.update(sample)
        finally:
            self._fitting = False
        for track in self._tracks.values():
            if track.n_learned >= self.warmup_blocks:
                self._learn(track, 0)
            self._clear_stream(track)
        self._events.clear()
        return self

    def update(self, sample: GasSample) -> list[Alarm]:
        """Take one compartment's grid sample; return the alarms it raises.

        Parameters
        ----------
        sample : GasSample
            Samples must come in time order for each compartment.

        Returns
        -------
        list of Alarm
        """
        track = self._track(sample.compartment)
        now = int(sample.time.astype("datetime64[ns]").astype(np.int64))
        if track.last_time is not None and now < track.last_time:
            raise InputError("gas samples must come in time order", field="time")
        if track.last_time is not None and now - track.last_time > self._grid_ns:
            track.grid.clear()  # the compartment was away: the grid restarts
            track.rapid.reset()
        track.last_time = now
        alarms: list[Alarm] = []
        if not self._fitting:
            rapid = track.rapid.update(sample)
            if rapid is not None:
                alarms.append(rapid)
        block = now // self._block_ns
        if track.block is not None and block != track.block:
            alarm = self._close_block(track, sample)
            if alarm is not None:
                alarms.append(alarm)
            track.block_sum, track.block_count = 0.0, 0
        track.block = block
        track.grid.append((now, sample.mass_kg))
        if np.isfinite(sample.mass_kg):
            track.block_sum += sample.mass_kg
            track.block_count += 1
        return alarms

    def take_events(self) -> list[StreamEvent]:
        """Steps and model changes seen since the last call (oldest first)."""
        events = list(self._events)
        self._events.clear()
        return events

    # ----------------------------------------------------------------- internals

    def _track(self, key: Compartment) -> _Track:
        if key not in self._tracks:
            self._tracks[key] = _Track(
                key=key,
                grid=deque(maxlen=max(16, int(self.step_window_s / self.grid_s))),
                marks=deque(maxlen=256),
                stat=statistic_spec(self.statistic_for(key)).make(self._settings),
                rule=self._rules[self.statistic_for(key)],
                rapid=RapidDepressRule(
                    float(mmhg_to_pa(self.rapid_rate_mmhg_per_min)) / SECONDS_PER_MINUTE,
                    float(mmhg_to_pa(self.rapid_min_drop_mmhg)),
                    self.rapid_window_s,
                    float(mmhg_to_pa(self.floor_mmhg)),
                    self.gas,
                    DEFAULT_EVENT_SETTINGS.join_settle_s,
                ),
            )
        return self._tracks[key]

    def _clear_stream(self, track: _Track) -> None:
        track.grid.clear()
        track.marks.clear()
        track.block, track.block_sum, track.block_count = None, 0.0, 0
        track.prev = None
        track.last_time = None
        track.rapid.reset()
        track.stat.reset()
        track.score = 0.0
        track.stat.gap()

    def _find_marks(self, track: _Track, sample: GasSample) -> None:
        """Gas steps in the trailing grid, as cut-out spans; report new ones."""
        times = np.array([t for t, _ in track.grid], dtype=np.int64)
        masses = np.array([m for _, m in track.grid])
        if times.size < 20:
            return
        settle = int(self.settle_s * 1e9)
        to_pa = self.gas.gas_constant_j_per_kg_k * sample.temperature_k / sample.volume_m3
        rapid_pa_per_s = float(mmhg_to_pa(self.rapid_rate_mmhg_per_min)) / SECONDS_PER_MINUTE
        for step in find_steps(masses):
            first = int(times[max(step.first - 1, 0)])
            last = int(times[min(step.last + 1, times.size - 1)])
            fall_pa_per_s = -step.raw_change_kg * to_pa / max((last - first) / 1e9, self.grid_s)
            if step.kind == "depress" and fall_pa_per_s < rapid_pa_per_s:
                # Slower than a rapid depress: a leak that opened suddenly looks like this.
                # It stays in the statistic (and is still reported as a step).
                pass
            else:
                track.marks.append((first, last + settle))
            if last > track.reported_until and not self._fitting:
                track.reported_until = last
                self._events.append(
                    StreamEvent(
                        step.kind,
                        np.datetime64(first, "ns"),
                        np.datetime64(last, "ns"),
                        {
                            "compartment": list(track.key),
                            "mass_change_kg": round(float(step.raw_change_kg), 4),
                            "seen_at": str(sample.time)[:19] + "Z",
                        },
                    )
                )
        horizon = int(times[0]) - self._block_ns
        while track.marks and track.marks[0][1] < horizon:
            track.marks.popleft()

    def _tainted(self, track: _Track, block: int) -> bool:
        lo, hi = block * self._block_ns, (block + 1) * self._block_ns
        return any(a < hi and b >= lo for a, b in track.marks)

    def _close_block(self, track: _Track, sample: GasSample) -> Alarm | None:
        assert track.block is not None
        block = track.block
        expected = self._block_ns / self._grid_ns
        valid = track.block_count >= 0.5 * expected
        mean = track.block_sum / track.block_count if track.block_count else float("nan")
        self._find_marks(track, sample)
        prev, track.prev = track.prev, (block, mean, valid)
        if not valid or self._tainted(track, block):
            self._gap(track)
            return None
        continues = (
            prev is not None
            and prev[0] == block - 1
            and prev[2]
            and not self._tainted(track, block - 1)
        )
        return self._mean(track, block, mean, continues, sample)

    def _gap(self, track: _Track) -> None:
        if not self._learning(track):
            track.stat.gap()
        elif track.pieces and track.pieces[-1]:
            track.pieces.append([])

    def _learning(self, track: _Track) -> bool:
        return self._fitting or track.stat.model is None

    def _mean(
        self, track: _Track, block: int, mean: float, continues: bool, sample: GasSample
    ) -> Alarm | None:
        if self._learning(track):
            if not continues and track.pieces and track.pieces[-1]:
                track.pieces.append([])
            if not track.pieces:
                track.pieces.append([])
            track.pieces[-1].append((block, mean))
            if not continues:
                return None
            track.n_learned += 1  # one more block-to-block rate
            cap = 60 * self.warmup_blocks
            while track.n_learned > cap and len(track.pieces) > 1:
                track.n_learned -= max(len(track.pieces[0]) - 1, 0)
                track.pieces.pop(0)
            if not self._fitting and track.n_learned >= self.warmup_blocks:
                self._learn(track, int(sample.time.astype("datetime64[ns]").astype(np.int64)))
            return None
        score = track.stat.update(block, mean, continues)
        track.score = score
        if not track.rule.fires(score):
            return None
        return self._alarm(track, sample, score)

    def _learn(self, track: _Track, now: int) -> None:
        pieces = [p for p in track.pieces if p]
        try:
            track.stat.fit(pieces)
        except (AnalysisError, np.linalg.LinAlgError):
            return
        model = track.stat.model
        assert model is not None
        if track.baseline_kg_per_s is None:
            track.baseline_kg_per_s = model.mean_kg_per_s
        rates_used = track.n_learned
        track.pieces, track.n_learned = [], 0
        track.stat.reset()
        track.score = 0.0
        known = model.mean_kg_per_s - track.baseline_kg_per_s
        self._events.append(
            StreamEvent(
                "model_ready",
                np.datetime64(now, "ns"),
                np.datetime64(now, "ns"),
                {
                    "compartment": list(track.key),
                    "reference_rate_kg_per_day": round(
                        float(kg_per_s_to_kg_per_day(model.mean_kg_per_s)), 4
                    ),
                    "known_leak_kg_per_day": round(float(kg_per_s_to_kg_per_day(known)), 4),
                    "noise_kg_per_day": round(
                        float(kg_per_s_to_kg_per_day(track.stat.noise_kg_per_s)), 4
                    ),
                    "rates_used": rates_used,
                    "statistic": self.statistic_for(track.key),
                },
            )
        )

    def _alarm(self, track: _Track, sample: GasSample, score: float) -> Alarm:
        assert track.stat.model is not None and track.baseline_kg_per_s is not None
        change = track.stat.estimate()
        assert change is not None  # the statistic holds the evidence that fired
        onset = np.datetime64(change.onset_ns, "ns")
        low, high = np.datetime64(change.low_ns, "ns"), np.datetime64(change.high_ns, "ns")
        known = track.stat.reference_kg_per_s - track.baseline_kg_per_s
        rate = known + change.step_kg_per_s
        step_low, step_high = change.step_interval_kg_per_s(Z95)
        kind = "leak_increase" if track.alarmed else "leak_onset"
        per_day = float(kg_per_s_to_kg_per_day(rate))
        message = (
            f"{'leak increase' if track.alarmed else 'leak'} in {', '.join(track.key)}: "
            f"{per_day:.3f} kg/day ({float(kg_per_day_to_lb_per_day(per_day)):.2f} lb/day) "
            f"since about {str(onset)[:16]}Z"
        )
        track.alarmed = True
        # Re-learn the reference (the new leak rate) and the noise from the data that follows.
        track.stat.forget()
        track.pieces, track.n_learned = [], 0
        return Alarm(
            time=sample.time,
            kind=kind,
            compartment=track.key,
            onset_estimate=onset,
            onset_ci95=(low, high),
            leak_rate_kg_per_s=rate,
            leak_rate_ci95_kg_per_s=(known + step_low, known + step_high),
            message=message,
            pressure_pa=sample.pressure_pa,
            statistic=score,
            threshold=track.rule.threshold,
        )

    def run(self, samples: Iterable[GasSample]) -> list[Alarm]:
        """Feed samples in time order; return every alarm."""
        alarms: list[Alarm] = []
        for sample in samples:
            alarms += self.update(sample)
        return alarms
