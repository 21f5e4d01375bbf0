"""The scenario file: what to simulate (documented in docs/scenario.md).

Field names carry their units; values are converted to SI when the engine is set up.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hullwatch.errors import InputError

Duration = str | float  # "20d", "6h", "10min", "30s", or seconds
When = str | float  # ISO 8601 instant, or an offset from the start such as "3d"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SimulationSettings(_Strict):
    start: str = "2026-04-25T00:00:00Z"
    duration: Duration = "7d"
    output_interval_s: float = Field(default=10.0, gt=0)
    seed: int = 0
    habitat: str | None = None  # path relative to the scenario file, or "iss"
    hatch_equalization_time_s: float = Field(default=60.0, gt=0)
    # Cabin fans (IMV) swap air through every open hatch, mixing O2 and CO2.
    hatch_ventilation_m3_per_s: float = Field(default=0.06, ge=0)


class InitialState(_Strict):
    pressure_mmHg: float = Field(default=755.0, gt=0)
    ppO2_mmHg: float = Field(default=165.0, ge=0)
    ppCO2_mmHg: float = Field(default=2.5, ge=0)
    temperature_degC: float = 22.0
    modules: dict[str, dict[str, float]] = {}  # per-module pressure_mmHg overrides


class HatchEvent(_Strict):
    time: When
    hatch: str
    state: Literal["open", "closed"]


class Leak(_Strict):
    name: str | None = None
    module: str
    to: str = "vacuum"  # or a module name
    model: str = "orifice"
    parameters: dict[str, float] = {}  # the model's own fields (e.g. area_m2)
    rate_kg_per_day: float | None = Field(default=None, gt=0)
    rate_lb_per_day: float | None = Field(default=None, gt=0)
    reference_pressure_mmHg: float = Field(default=760.0, gt=0)
    onset: When = 0.0
    end: When | None = None
    growth_per_day: float = 0.0  # fractional linear growth of the leak's size per day

    @model_validator(mode="after")
    def _one_size(self) -> Leak:
        given = sum(x is not None for x in (self.rate_kg_per_day, self.rate_lb_per_day))
        if given > 1:
            raise ValueError("give rate_kg_per_day or rate_lb_per_day, not both")
        return self


class Repress(_Strict):
    module: str
    start: When
    duration: Duration
    rate_kg_per_h: float = Field(gt=0)
    source: str = "tank"  # "tank" or a module name (gas taken from the station)


class PressureHold(_Strict):
    """Hold a compartment in a band with small repressurizations (hysteresis control)."""

    module: str
    low_mmHg: float = Field(gt=0)
    high_mmHg: float = Field(gt=0)
    rate_kg_per_h: float = Field(default=2.0, gt=0)
    source: str = "tank"
    start: When = 0.0
    end: When | None = None

    @model_validator(mode="after")
    def _band(self) -> PressureHold:
        if self.low_mmHg >= self.high_mmHg:
            raise ValueError(f"band low {self.low_mmHg} must be below high {self.high_mmHg}")
        return self


class Depress(_Strict):
    """A deliberate depress: a pump (or vent) from ``module`` to ``to`` until ``until_mmHg``."""

    module: str
    start: When
    to: str = "vacuum"
    volumetric_flow_m3_per_min: float = Field(default=0.5, gt=0)
    until_mmHg: float = Field(default=0.0, ge=0)
    max_duration: Duration = "2h"


class Crew(_Strict):
    count: int = Field(default=7, ge=0)
    modules: list[str] = ["Zvezda", "Destiny", "Harmony", "Unity", "Tranquility"]
    o2_kg_per_person_day: float = Field(default=0.84, ge=0)
    co2_kg_per_person_day: float = Field(default=1.0, ge=0)
    o2_generation_module: str | None = "Tranquility"
    o2_generation_fraction: float = Field(default=1.0, ge=0)  # of the crew's O2 use
    co2_removal_modules: list[str] = ["Destiny", "Tranquility"]
    co2_removal_time_constant_h: float = Field(default=3.5, gt=0)


class Thermal(_Strict):
    setpoint_degC: float = 22.0
    module_spread_K: float = Field(default=0.5, ge=0)
    orbital_amplitude_K: float = Field(default=0.3, ge=0)
    orbital_period_min: float = Field(default=92.0, gt=0)
    drift_sigma_K: float = Field(default=0.3, ge=0)
    drift_timescale_h: float = Field(default=12.0, gt=0)
    unseen_sigma_K: float = Field(default=0.15, ge=0)
    unseen_timescale_h: float = Field(default=6.0, gt=0)
    unseen_orbital_amplitude_K: float = Field(default=0.1, ge=0)


class SensorSpec(_Strict):
    mode: Literal["on_change", "periodic"] = "on_change"
    period_s: float = Field(default=10.0, gt=0)
    quantum: float = Field(default=0.0, ge=0)  # in the channel's file unit
    noise: float = Field(default=0.0, ge=0)  # standard deviation, channel's file unit
    bias_sigma: float = Field(default=0.0, ge=0)  # per-channel constant bias, std


class LossOfSignal(_Strict):
    per_day: float = Field(default=0.0, ge=0)
    mean_duration_min: float = Field(default=10.0, gt=0)


class Sensors(_Strict):
    # Defaults follow the real ISSLive Lab channels: 0.101 mmHg and 0.063 K steps.
    pressure: SensorSpec = SensorSpec(quantum=0.101, noise=0.02, bias_sigma=0.2)
    temperature: SensorSpec = SensorSpec(quantum=0.063, noise=0.02, bias_sigma=0.1)
    partial_pressure: SensorSpec = SensorSpec(quantum=0.101, noise=0.02, bias_sigma=1.0)
    loss_of_signal: LossOfSignal = LossOfSignal()


class Scenario(_Strict):
    """A whole scenario file."""

    simulation: SimulationSettings = SimulationSettings()
    initial: InitialState = InitialState()
    hatch_events: list[HatchEvent] = []
    leaks: list[Leak] = []
    repress: list[Repress] = []
    pressure_holds: list[PressureHold] = []
    depress: list[Depress] = []
    crew: Crew = Crew()
    thermal: Thermal = Thermal()
    sensors: Sensors = Sensors()
    base_dir: str = "."


def scenario_from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario document, naming the entry that is wrong."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(message, source=source, field=loc) from None


def load_scenario(path: str | Path) -> Scenario:
    """Load a TOML scenario file.

    Raises
    ------
    InputError
        For a missing file, bad TOML or an invalid entry, naming file and entry.
    """
    source = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise InputError("no such scenario file", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scenario: {exc}", source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"TOML syntax: {exc}", source=source) from None
    raw.setdefault("base_dir", str(Path(path).resolve().parent))
    return scenario_from_dict(raw, source)
