"""Hatch state over time, and the hatch configurations a telemetry window passes through."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hullwatch.habitat.model import Compartment, Habitat

TimeArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class Configuration:
    """One hatch configuration held from ``start`` to ``end``.

    Parameters
    ----------
    start, end : numpy.datetime64
        Interval it holds, UTC.
    open_hatches : frozenset of str
        Hatches open during it.
    compartments : list of tuple of str
        The compartments it makes.
    """

    start: np.datetime64
    end: np.datetime64
    open_hatches: frozenset[str]
    compartments: tuple[Compartment, ...]

    def compartment_of(self, module: str) -> Compartment:
        """The compartment holding ``module``."""
        return next(c for c in self.compartments if module in c)


class HatchTimeline:
    """Hatch states as step functions of time.

    A hatch with no channel, or before its first sample, is taken as open
    (formats.md section 1); :attr:`assumptions` says so in words.

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    samples : dict
        ``{hatch name: (times, values)}``, values 1 = open, 0 = closed, any order.
    """

    def __init__(
        self,
        habitat: Habitat,
        samples: dict[str, tuple[TimeArray, npt.NDArray[np.float64]]],
    ) -> None:
        self.habitat = habitat
        self._steps: dict[str, tuple[TimeArray, npt.NDArray[np.bool_]]] = {}
        self.assumptions: list[str] = []
        missing: list[str] = []
        for hatch in habitat.hatch_names:
            if hatch not in samples or len(samples[hatch][0]) == 0:
                missing.append(hatch)
                continue
            times, values = samples[hatch]
            order = np.argsort(times, kind="stable")
            self._steps[hatch] = (
                np.asarray(times)[order].astype("datetime64[ns]"),
                np.asarray(values)[order] >= 0.5,
            )
        # One note naming them all: a feed without hatch channels (the public ISS
        # feed has none) would otherwise bury every other note under 23 lines.
        if len(missing) == 1:
            self.assumptions.append(f"hatch {missing[0]} has no data and is taken as open")
        elif missing:
            self.assumptions.append(
                f"{len(missing)} hatches have no data and are taken as open: {', '.join(missing)}"
            )

    def open_hatches_at(self, time: np.datetime64) -> frozenset[str]:
        """Names of the hatches open at ``time``."""
        state = set(self.habitat.hatch_names)
        t = np.asarray(time, dtype="datetime64[ns]")
        for hatch, (times, is_open) in self._steps.items():
            index = np.searchsorted(times, t, side="right") - 1
            if index >= 0 and not is_open[index]:
                state.discard(hatch)
        return frozenset(state)

    def assumptions_for(self, start: np.datetime64) -> list[str]:
        """Every hatch state assumed rather than measured in a window beginning at ``start``.

        Hatches with no data, and hatches whose first sample comes after ``start``
        (taken as open until then), as formats.md section 1 requires.
        """
        t0 = np.asarray(start, dtype="datetime64[ns]")
        notes = list(self.assumptions)
        for hatch, (times, _) in self._steps.items():
            if times[0] > t0:
                first = np.datetime_as_string(times[0].astype("datetime64[s]"))
                notes.append(f"hatch {hatch} is taken as open before its first sample at {first}Z")
        return notes

    def first_sample(self, hatch: str) -> np.datetime64 | None:
        """Time of the first sample of ``hatch``, if it has data."""
        steps = self._steps.get(hatch)
        return steps[0][0] if steps is not None else None

    def configurations(self, start: np.datetime64, end: np.datetime64) -> list[Configuration]:
        """The hatch configurations held over ``[start, end]``, in time order.

        Consecutive samples that repeat a state do not split a configuration.
        """
        first = np.asarray(start, dtype="datetime64[ns]").reshape(1)
        last = np.datetime64(str(np.asarray(end, dtype="datetime64[ns]")), "ns")
        inside = [times[(times > first[0]) & (times < last)] for times, _ in self._steps.values()]
        cuts = np.unique(np.concatenate([first, *inside]))
        result: list[Configuration] = []
        for cut in cuts:
            state = self.open_hatches_at(cut)
            if result and result[-1].open_hatches == state:
                continue
            if result:
                result[-1] = _with_end(result[-1], cut)
            result.append(Configuration(cut, last, state, tuple(self.habitat.compartments(state))))
        return result


def _with_end(config: Configuration, end: np.datetime64) -> Configuration:
    return Configuration(config.start, end, config.open_hatches, config.compartments)
