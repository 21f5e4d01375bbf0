"""Causal leak detection: ``hullwatch detect`` and ``hullwatch watch``.

One concern per module: :mod:`~hullwatch.detect.grid` (causal gas-mass samples),
:mod:`~hullwatch.detect.whiten` (noise model), :mod:`~hullwatch.detect.statistic`
(CUSUM bank and onset profile), :mod:`~hullwatch.detect.rule` (threshold from the
false-alarm rate), :mod:`~hullwatch.detect.rapid` (rapid depress),
:mod:`~hullwatch.detect.glr` (GLR for a ramp on the Kalman-whitened gas-mass
level), :mod:`~hullwatch.detect.registry` (the statistics by name),
:mod:`~hullwatch.detect.detector` (the fit/update detector) and
:mod:`~hullwatch.detect.monitor` (running it over a recording or a feed).
"""

from hullwatch.detect.detector import LeakDetector
from hullwatch.detect.glr import LevelModel, RampGlr, fit_level_model
from hullwatch.detect.grid import GasSample, Snapshot, StreamAssembler, grid_samples
from hullwatch.detect.model import ALARM_KINDS, Alarm, StreamEvent
from hullwatch.detect.monitor import DetectResult, Monitor, detect_leaks
from hullwatch.detect.rapid import RapidDepressRule, reserve_times_s
from hullwatch.detect.registry import STATISTICS, statistic_spec
from hullwatch.detect.rule import ThresholdRule, cusum_threshold, glr_threshold
from hullwatch.detect.statistic import CusumBank, OnsetProfile
from hullwatch.detect.whiten import ARNoise, Innovations, fit_ar_noise

__all__ = [
    "ALARM_KINDS",
    "STATISTICS",
    "ARNoise",
    "Alarm",
    "CusumBank",
    "DetectResult",
    "GasSample",
    "Innovations",
    "LeakDetector",
    "LevelModel",
    "Monitor",
    "OnsetProfile",
    "RampGlr",
    "RapidDepressRule",
    "Snapshot",
    "StreamAssembler",
    "StreamEvent",
    "ThresholdRule",
    "cusum_threshold",
    "detect_leaks",
    "fit_ar_noise",
    "fit_level_model",
    "glr_threshold",
    "grid_samples",
    "reserve_times_s",
    "statistic_spec",
]
