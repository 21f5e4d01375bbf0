"""Ground truth recorded while the simulator runs: leaks, gas transfers, true state series."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hullwatch.simulate.setup import SimulationSetup
from hullwatch.simulate.timeparse import iso_z
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, kg_per_day_to_lb_per_day

FloatArray = npt.NDArray[np.float64]


class TruthRecorder:
    """Accumulates truth chunk by chunk with bounded memory (decimated series).

    Parameters
    ----------
    setup : SimulationSetup
        The run being recorded.
    truth_interval_s : float
        Spacing of the recorded state series. [s]
    """

    def __init__(self, setup: SimulationSetup, truth_interval_s: float) -> None:
        self.setup = setup
        self.stride = max(1, round(truth_interval_s / setup.dt_s))
        self.hour_stride = max(1, round(SECONDS_PER_HOUR / setup.dt_s))
        self._series: list[dict[str, FloatArray]] = []
        self._leak_hourly: list[tuple[FloatArray, FloatArray]] = []
        n_tr = len(setup.transfers)
        self._on = np.zeros(n_tr, dtype=bool)
        self._on_since = np.zeros(n_tr)
        self._on_mass = np.zeros(n_tr)
        self.intervals: list[dict[str, Any]] = []
        self._initial_mass: float | None = None
        self._last_time = 0.0
        self._last_leak = np.zeros(len(setup.leaks))
        self._last_tr = np.zeros(n_tr)
        self._last_mass = 0.0

    def record_chunk(
        self,
        time_s: FloatArray,
        pressure: FloatArray,
        species: FloatArray,
        sensed: FloatArray,
        gas: FloatArray,
        leak_cum: FloatArray,
        tr_cum: FloatArray,
        tr_on: npt.NDArray[np.bool_],
    ) -> None:
        """Record one chunk of kernel output (all arrays indexed by step first)."""
        steps = np.round(time_s / self.setup.dt_s).astype(np.int64)
        mass = species.sum(axis=2)
        if self._initial_mass is None:
            self._initial_mass = float(mass[0].sum())
        keep = steps % self.stride == 0
        self._series.append(
            {
                "time_s": time_s[keep],
                "pressure_pa": pressure[keep],
                "gas_mass_kg": mass[keep],
                "n2_mass_kg": species[keep][:, :, 0],
                "gas_temperature_k": gas[keep],
                "sensed_temperature_k": sensed[keep],
            }
        )
        hourly = steps % self.hour_stride == 0
        self._leak_hourly.append((time_s[hourly], leak_cum[hourly]))
        for k in range(tr_on.shape[1]):
            self._transfer_intervals(k, time_s, tr_cum[:, k], tr_on[:, k])
        self._last_time = float(time_s[-1])
        self._last_leak = leak_cum[-1].copy()
        self._last_tr = tr_cum[-1].copy()
        self._last_mass = float(mass[-1].sum())

    def _transfer_intervals(
        self, k: int, time_s: FloatArray, cum: FloatArray, on: npt.NDArray[np.bool_]
    ) -> None:
        previous = np.concatenate(([self._on[k]], on[:-1]))
        for index in np.flatnonzero(on != previous):
            if on[index]:
                self._on_since[k] = time_s[index]
                self._on_mass[k] = cum[index]
            else:
                self._close(k, float(time_s[index]), float(cum[index]))
        self._on[k] = bool(on[-1])

    def _close(self, k: int, end_s: float, cum_end: float) -> None:
        transfer = self.setup.transfers[k]
        names = self.setup.habitat.module_names
        start = self.setup.start
        self.intervals.append(
            {
                "kind": "depress" if transfer.kind == "depress" else "repress",
                "controller": transfer.kind,
                "module": names[
                    transfer.destination if transfer.kind != "depress" else transfer.source
                ],
                "source": names[transfer.source] if transfer.source >= 0 else "tank",
                "destination": names[transfer.destination]
                if transfer.destination >= 0
                else "vacuum",
                "start": iso_z(start + np.timedelta64(round(self._on_since[k] * 1e9), "ns")),
                "end": iso_z(start + np.timedelta64(round(end_s * 1e9), "ns")),
                "mass_kg": cum_end - self._on_mass[k],
            }
        )

    def series_frame(self) -> pd.DataFrame:
        """The decimated true state, long form by module."""
        names = self.setup.habitat.module_names
        time_s = np.concatenate([s["time_s"] for s in self._series])
        n = time_s.size
        columns = {}
        for key in (
            "pressure_pa",
            "gas_mass_kg",
            "n2_mass_kg",
            "gas_temperature_k",
            "sensed_temperature_k",
        ):
            columns[key] = np.concatenate([s[key] for s in self._series]).reshape(-1)
        stamps = self.setup.start + np.round(time_s * 1e9).astype("timedelta64[ns]")
        return pd.DataFrame(
            {
                "time": pd.DatetimeIndex(np.repeat(stamps, len(names)), tz="UTC"),
                "module": pd.Categorical.from_codes(
                    np.tile(np.arange(len(names), dtype=np.int32), n), categories=pd.Index(names)
                ),
                **columns,
            }
        )

    def to_dict(self, gaps: list[tuple[float, float]]) -> dict[str, Any]:
        """JSON-safe truth (closes transfers still running at the end)."""
        for running in np.flatnonzero(self._on):
            self._close(int(running), self._last_time, float(self._last_tr[running]))
            self._on[running] = False
        setup = self.setup
        start = setup.start

        def at(seconds: float) -> str:
            return iso_z(start + np.timedelta64(round(seconds * 1e9), "ns"))

        hours = np.concatenate([t for t, _ in self._leak_hourly])
        cums = np.concatenate([c for _, c in self._leak_hourly]).reshape(hours.size, -1)
        leaks = []
        for k, leak in enumerate(setup.leaks):
            lost = float(self._last_leak[k])
            alive_s = max(0.0, min(self._last_time, leak.end_s) - leak.onset_s)
            mean = lost / alive_s * SECONDS_PER_DAY if alive_s > 0 else 0.0
            leaks.append(
                {
                    "name": leak.name,
                    "module": leak.module,
                    "to": leak.to,
                    "model": leak.model.name,
                    "parameters": {k2: v for k2, v in vars(leak.model).items()},
                    "area_m2": leak.model.area_m2,
                    "onset": at(leak.onset_s),
                    "end": at(leak.end_s) if np.isfinite(leak.end_s) else None,
                    "growth_per_day": leak.growth_per_s * SECONDS_PER_DAY,
                    "mass_lost_kg": lost,
                    "mean_rate_kg_per_day": mean,
                    "mean_rate_lb_per_day": kg_per_day_to_lb_per_day(mean),
                    "hourly": {
                        "time": [at(t) for t in hours],
                        "cumulative_kg": cums[:, k].tolist(),
                    },
                }
            )
        names = setup.habitat.hatch_names
        return {
            "start": at(0.0),
            "end": at(self._last_time),
            "output_interval_s": setup.dt_s,
            "habitat": setup.habitat.name,
            "initial_gas_mass_kg": self._initial_mass,
            "final_gas_mass_kg": self._last_mass,
            "leaks": leaks,
            "gas_transfers": sorted(self.intervals, key=lambda e: e["start"]),
            "hatch_events": [
                {"time": at(t), "hatch": names[h], "state": "open" if o else "closed"}
                for t, h, o in setup.hatch_events
            ],
            "loss_of_signal": [{"start": at(a), "end": at(b)} for a, b in gaps],
        }
