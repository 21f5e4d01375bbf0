"""Write a simulation's files: telemetry, habitat, truth."""

from __future__ import annotations

import json
from pathlib import Path

from hullwatch.habitat import write_habitat
from hullwatch.simulate.engine import SimulationResult
from hullwatch.telemetry import write_telemetry


def write_simulation(
    result: SimulationResult, out_dir: str | Path, fmt: str = "csv"
) -> dict[str, Path]:
    """Write ``telemetry.<fmt>``, ``habitat.toml``, ``truth.json`` and ``truth_series.parquet``.

    Parameters
    ----------
    result : SimulationResult
        What :func:`~hullwatch.simulate.simulate` returned.
    out_dir : str or Path
        Folder to write into (created if missing).
    fmt : {"csv", "parquet"}
        Telemetry file format.

    Returns
    -------
    dict
        Paths written, by role.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "telemetry": out / f"telemetry.{fmt}",
        "habitat": out / "habitat.toml",
        "truth": out / "truth.json",
        "truth_series": out / "truth_series.parquet",
    }
    write_telemetry(result.telemetry, paths["telemetry"])
    write_habitat(result.habitat, paths["habitat"])
    paths["truth"].write_text(json.dumps(result.truth, indent=1, allow_nan=False), "utf-8")
    result.truth_series.to_parquet(paths["truth_series"], index=False)
    return paths
