"""Registry of leak-flow models: a hole, a crack, molecular effusion, a power law.

Every model answers the same questions, so analyses and the simulator choose a
model by name from :data:`LEAK_MODELS` and never branch on it:

* ``mass_flow_kg_per_s(p_up, p_down, T)``: the flow it passes;
* ``with_mass_flow(rate, p_up, p_down, T)``: the same kind of leak resized to pass
  ``rate`` (so effective hole area follows from a measured rate);
* ``area_m2``: its effective hole area;
* ``vacuum_power_law(T)``: ``(C, n)`` of ``m-dot = C P^n`` when it leaks to vacuum,
  which gives the analytic pressure decay and reserve time;
* ``kernel_coefficients()``: its weights on the basis flow laws of
  :mod:`hullwatch.physics.flowlaws`, which the simulator's compiled kernel sums.

Examples
--------
A 2 mm hole in the 916 m^3 station (Cd = 1) empties with tau of about 17 days
(iss-facts.md, Soyuz MS-09):

>>> hole = leak_model("orifice", area_m2=np.pi * 0.001**2, discharge_coefficient=1.0)
>>> round(hole.time_constant_s(916.0, 295.0) / 86400, 1)
16.9
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from hullwatch.errors import InputError
from hullwatch.physics import flowlaws
from hullwatch.physics.gas import AIR, Gas

#: Order of the basis flow laws in :meth:`LeakModel.kernel_coefficients`.
KERNEL_BASIS = (
    "orifice_cd_area_m2",
    "viscous_geometry_m3",
    "molecular_area_m2",
    "power_coefficient",
    "power_exponent",
)


@dataclass(frozen=True)
class LeakModel(ABC):
    """A leak path whose flow depends on the pressures on its two sides."""

    name: ClassVar[str]
    #: The field that sets the leak's size (resized by :meth:`with_mass_flow`).
    size_field: ClassVar[str]

    @abstractmethod
    def mass_flow_kg_per_s(
        self, pressure_up_pa: Any, pressure_down_pa: Any, temperature_k: Any, gas: Gas = AIR
    ) -> Any:
        """Mass flow from the upstream to the downstream side. [kg/s]"""

    @abstractmethod
    def scaled(self, factor: float) -> LeakModel:
        """The same kind of leak passing ``factor`` times the flow at every condition."""

    @abstractmethod
    def vacuum_power_law(self, temperature_k: float, gas: Gas = AIR) -> tuple[float, float]:
        """``(C, n)`` with ``m-dot = C P^n`` [kg/s] when leaking to vacuum at ``temperature_k``."""

    @abstractmethod
    def kernel_coefficients(self) -> npt.NDArray[np.float64]:
        """Weights on the basis laws named by :data:`KERNEL_BASIS`."""

    @property
    @abstractmethod
    def area_m2(self) -> float | None:
        """Effective geometric hole area [m^2]; ``None`` where the model defines none."""

    def with_mass_flow(
        self,
        rate_kg_per_s: float,
        pressure_up_pa: float,
        pressure_down_pa: float = 0.0,
        temperature_k: float = 295.0,
        gas: Gas = AIR,
    ) -> LeakModel:
        """The same kind of leak, resized to pass ``rate_kg_per_s`` at the given state.

        Parameters
        ----------
        rate_kg_per_s : float
            Mass flow it must pass. [kg/s]
        pressure_up_pa, pressure_down_pa : float
            Pressures on the two sides. [Pa]
        temperature_k : float
            Gas temperature. [K]
        gas : Gas
            The gas.

        Returns
        -------
        LeakModel
            A model of the same kind; its ``area_m2`` is the effective hole area.
        """
        if not (np.isfinite(rate_kg_per_s) and rate_kg_per_s >= 0.0):
            raise InputError(f"{self.name}: cannot resize to a leak rate of {rate_kg_per_s:g} kg/s")
        model: LeakModel = self
        if getattr(model, self.size_field) == 0.0:
            model = dataclasses.replace(model, **{self.size_field: 1e-6})
        now = float(model.mass_flow_kg_per_s(pressure_up_pa, pressure_down_pa, temperature_k, gas))
        if not now > 0.0:
            raise InputError(f"{self.name}: no flow at the given pressures, cannot resize")
        return model.scaled(rate_kg_per_s / now)

    def time_constant_s(self, volume_m3: float, temperature_k: float, gas: Gas = AIR) -> float:
        """e-folding time of an isothermal decay to vacuum, for ``n = 1`` models. [s]"""
        coefficient, exponent = self.vacuum_power_law(temperature_k, gas)
        if not np.isclose(exponent, 1.0):
            raise InputError(
                f"{self.name}: a decay with n = {exponent:g} has no single time constant"
            )
        return volume_m3 / (coefficient * gas.gas_constant_j_per_kg_k * temperature_k)

    def decay_pressure_pa(
        self,
        time_s: Any,
        pressure_0_pa: float,
        volume_m3: float,
        temperature_k: float,
        gas: Gas = AIR,
    ) -> Any:
        """Analytic isothermal pressure of a closed volume leaking to vacuum. [Pa]"""
        coefficient, exponent = self.vacuum_power_law(temperature_k, gas)
        rate = coefficient * gas.gas_constant_j_per_kg_k * temperature_k / volume_m3
        return power_law_decay_pressure_pa(time_s, pressure_0_pa, rate, exponent)

    def time_to_pressure_s(
        self,
        pressure_0_pa: float,
        pressure_end_pa: float,
        volume_m3: float,
        temperature_k: float,
        gas: Gas = AIR,
    ) -> float:
        """Analytic isothermal time for a closed volume to fall to ``pressure_end_pa``. [s]"""
        coefficient, exponent = self.vacuum_power_law(temperature_k, gas)
        rate = coefficient * gas.gas_constant_j_per_kg_k * temperature_k / volume_m3
        return power_law_time_to_pressure_s(pressure_0_pa, pressure_end_pa, rate, exponent)


def power_law_decay_pressure_pa(
    time_s: Any, pressure_0_pa: float, rate_coefficient: float, exponent: float
) -> Any:
    r"""Solution of ``dP/dt = -k P^n``.

    .. math::

        P(t) = \left(P_0^{1-n} + (n-1) k t\right)^{1/(1-n)}, \qquad
        P(t) = P_0 e^{-k t} \text{ for } n = 1

    Parameters
    ----------
    time_s : numeric
        Time since ``P = P0``. [s]
    pressure_0_pa : float
        Initial pressure. [Pa]
    rate_coefficient : float
        ``k = C R T / V``. [Pa^(1-n)/s]
    exponent : float
        ``n``. [-]

    Returns
    -------
    numeric
        Pressure. [Pa]
    """
    t = np.asarray(time_s, dtype=float)
    # ln(P/P0) = -k t P0^(n-1) * log1p(x)/x with x = (n-1) k t P0^(n-1): exact for every n,
    # with no switch at n = 1 (where log1p(x)/x -> 1 gives the exponential).
    kt = rate_coefficient * t * pressure_0_pa ** (exponent - 1.0)
    x = (exponent - 1.0) * kt
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(x == 0.0, 1.0, np.log1p(np.maximum(x, -1.0)) / np.where(x == 0, 1.0, x))
    return pressure_0_pa * np.exp(-kt * ratio)


def power_law_time_to_pressure_s(
    pressure_0_pa: float, pressure_end_pa: float, rate_coefficient: float, exponent: float
) -> float:
    r"""Time for ``dP/dt = -k P^n`` to go from ``P0`` to ``P1 < P0``.

    .. math::

        t = \frac{P_1^{1-n} - P_0^{1-n}}{(n-1) k}, \qquad t = \ln(P_0/P_1)/k \text{ for } n = 1

    Examples
    --------
    >>> round(power_law_time_to_pressure_s(760.0, 520.0, 1e-6, 1.0) / 86400, 2)
    4.39
    """
    if not 0.0 < pressure_end_pa <= pressure_0_pa:
        raise InputError("the end pressure must lie between zero and the start pressure")
    # t = P0^(1-n) ln(P0/P1) expm1(y)/y / k with y = (1-n) ln(P1/P0): exact for every n.
    log_ratio = float(np.log(pressure_0_pa / pressure_end_pa))
    y = (exponent - 1.0) * log_ratio
    factor = float(np.expm1(y) / y) if y != 0.0 else 1.0
    return pressure_0_pa ** (1.0 - exponent) * log_ratio * factor / rate_coefficient


def _basis(**weights: float) -> npt.NDArray[np.float64]:
    coefficients = np.zeros(len(KERNEL_BASIS))
    for key, value in weights.items():
        coefficients[KERNEL_BASIS.index(key)] = value
    return coefficients


@dataclass(frozen=True)
class Orifice(LeakModel):
    """A hole: compressible orifice flow with a discharge coefficient, choked or not.

    Parameters
    ----------
    area_m2 : float
        Geometric hole area. [m^2]
    discharge_coefficient : float, default 0.61
        ``Cd``; 0.56 to 0.79 for sharp-edged holes in air (iss-facts.md). [-]
    """

    name: ClassVar[str] = "orifice"
    size_field: ClassVar[str] = "area_m2"
    area_m2: float = 0.0
    discharge_coefficient: float = 0.61

    def mass_flow_kg_per_s(
        self, pressure_up_pa: Any, pressure_down_pa: Any, temperature_k: Any, gas: Gas = AIR
    ) -> Any:
        return flowlaws.orifice_mass_flow(
            pressure_up_pa,
            pressure_down_pa,
            temperature_k,
            self.discharge_coefficient * self.area_m2,
            gas.gas_constant_j_per_kg_k,
            gas.heat_capacity_ratio,
        )

    def scaled(self, factor: float) -> Orifice:
        return dataclasses.replace(self, area_m2=self.area_m2 * factor)

    def vacuum_power_law(self, temperature_k: float, gas: Gas = AIR) -> tuple[float, float]:
        per_pa = float(self.mass_flow_kg_per_s(1.0, 0.0, temperature_k, gas))
        return per_pa, 1.0

    def kernel_coefficients(self) -> npt.NDArray[np.float64]:
        return _basis(orifice_cd_area_m2=self.discharge_coefficient * self.area_m2)


@dataclass(frozen=True)
class ViscousCrack(LeakModel):
    """A crack: laminar compressible flow through a round capillary, ``m-dot ∝ P1^2 - P2^2``.

    Parameters
    ----------
    diameter_m : float
        Hydraulic diameter of the flow path. [m]
    length_m : float, default 0.005
        Length of the path through the wall; a few mm for an aluminium hull. [m]

    Notes
    -----
    Valid while the path is much wider than the mean free path (66 nm for air at
    1 atm, 295 K) and the Reynolds number is low; micron cracks are in slip flow,
    which this model does not correct.
    """

    name: ClassVar[str] = "viscous_crack"
    size_field: ClassVar[str] = "diameter_m"
    diameter_m: float = 0.0
    length_m: float = 0.005

    @property
    def geometry_m3(self) -> float:
        """Hagen-Poiseuille geometry factor ``pi d^4 / (256 L)``. [m^3]"""
        return float(np.pi * self.diameter_m**4 / (256.0 * self.length_m))

    @property
    def area_m2(self) -> float:
        return float(np.pi * self.diameter_m**2 / 4.0)

    def mass_flow_kg_per_s(
        self, pressure_up_pa: Any, pressure_down_pa: Any, temperature_k: Any, gas: Gas = AIR
    ) -> Any:
        return flowlaws.viscous_mass_flow(
            pressure_up_pa,
            pressure_down_pa,
            temperature_k,
            self.geometry_m3,
            gas.gas_constant_j_per_kg_k,
            gas.viscosity_pa_s(temperature_k),
        )

    def scaled(self, factor: float) -> ViscousCrack:
        return dataclasses.replace(self, diameter_m=self.diameter_m * factor**0.25)

    def vacuum_power_law(self, temperature_k: float, gas: Gas = AIR) -> tuple[float, float]:
        per_pa2 = float(self.mass_flow_kg_per_s(1.0, 0.0, temperature_k, gas))
        return per_pa2, 2.0

    def kernel_coefficients(self) -> npt.NDArray[np.float64]:
        return _basis(viscous_geometry_m3=self.geometry_m3)


@dataclass(frozen=True)
class Molecular(LeakModel):
    """Free-molecular effusion, ``m-dot ∝ P1 - P2``.

    Parameters
    ----------
    area_m2 : float
        Hole area. [m^2]
    transmission : float, default 1.0
        Transmission probability (Clausing factor); 1 for a thin orifice. [-]
    """

    name: ClassVar[str] = "molecular"
    size_field: ClassVar[str] = "area_m2"
    area_m2: float = 0.0
    transmission: float = 1.0

    def mass_flow_kg_per_s(
        self, pressure_up_pa: Any, pressure_down_pa: Any, temperature_k: Any, gas: Gas = AIR
    ) -> Any:
        return flowlaws.molecular_mass_flow(
            pressure_up_pa,
            pressure_down_pa,
            temperature_k,
            self.transmission * self.area_m2,
            gas.gas_constant_j_per_kg_k,
        )

    def scaled(self, factor: float) -> Molecular:
        return dataclasses.replace(self, area_m2=self.area_m2 * factor)

    def vacuum_power_law(self, temperature_k: float, gas: Gas = AIR) -> tuple[float, float]:
        return float(self.mass_flow_kg_per_s(1.0, 0.0, temperature_k, gas)), 1.0

    def kernel_coefficients(self) -> npt.NDArray[np.float64]:
        return _basis(molecular_area_m2=self.transmission * self.area_m2)


@dataclass(frozen=True)
class PowerLaw(LeakModel):
    """The empirical leak law ``m-dot = C (P1^n - P2^n)``.

    Parameters
    ----------
    coefficient : float
        ``C``. [kg/(s Pa^n)]
    exponent : float
        ``n``: about 1 for a choked hole, about 2 for a viscous crack. [-]
    """

    name: ClassVar[str] = "power_law"
    size_field: ClassVar[str] = "coefficient"
    coefficient: float = 0.0
    exponent: float = 1.0

    @property
    def area_m2(self) -> None:
        return None

    def mass_flow_kg_per_s(
        self, pressure_up_pa: Any, pressure_down_pa: Any, temperature_k: Any, gas: Gas = AIR
    ) -> Any:
        return flowlaws.power_law_mass_flow(
            pressure_up_pa, pressure_down_pa, self.coefficient, self.exponent
        )

    def scaled(self, factor: float) -> PowerLaw:
        return dataclasses.replace(self, coefficient=self.coefficient * factor)

    def vacuum_power_law(self, temperature_k: float, gas: Gas = AIR) -> tuple[float, float]:
        return self.coefficient, self.exponent

    def kernel_coefficients(self) -> npt.NDArray[np.float64]:
        return _basis(power_coefficient=self.coefficient, power_exponent=self.exponent)


#: The leak-flow models by name.
LEAK_MODELS: dict[str, type[LeakModel]] = {
    model.name: model for model in (Orifice, ViscousCrack, Molecular, PowerLaw)
}


def leak_model(name: str, **parameters: float) -> LeakModel:
    """Build a leak-flow model from its registry name and parameters.

    Parameters
    ----------
    name : str
        A key of :data:`LEAK_MODELS`.
    **parameters : float
        The model's fields, e.g. ``area_m2`` and ``discharge_coefficient``.

    Returns
    -------
    LeakModel

    Raises
    ------
    InputError
        For an unknown name or parameter, naming the valid ones.
    """
    try:
        model = LEAK_MODELS[name]
    except KeyError:
        raise InputError(
            f"unknown leak model {name!r}; valid: {', '.join(sorted(LEAK_MODELS))}"
        ) from None
    fields = {f.name for f in dataclasses.fields(model)}
    unknown = set(parameters) - fields
    if unknown:
        raise InputError(
            f"leak model {name!r} has no parameter {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(sorted(fields))}"
        )
    not_numbers = [k for k, v in parameters.items() if not isinstance(v, int | float)]
    if not_numbers:
        raise InputError(f"leak model {name!r}: {', '.join(not_numbers)} must be numbers")
    negative = [k for k, v in parameters.items() if not np.isfinite(v) or v < 0]
    if negative:
        raise InputError(f"leak model {name!r}: {', '.join(negative)} must be finite and >= 0")
    return model(**parameters)


def effective_areas_m2(
    rate_kg_per_s: float,
    pressure_up_pa: float,
    temperature_k: float,
    pressure_down_pa: float = 0.0,
    gas: Gas = AIR,
    discharge_coefficients: tuple[float, ...] = (0.61, 1.0),
) -> dict[str, float]:
    """Effective hole area implied by a measured leak rate, for each flow model.

    Parameters
    ----------
    rate_kg_per_s : float
        Measured leak rate. [kg/s]
    pressure_up_pa, pressure_down_pa : float
        Pressures on the two sides. [Pa]
    temperature_k : float
        Gas temperature. [K]
    gas : Gas
        The gas.
    discharge_coefficients : tuple of float
        ``Cd`` values for which to give the orifice area. [-]

    Returns
    -------
    dict
        ``{"choked_cd_0.61": area, "choked_cd_1": area, "viscous_crack": area,
        "molecular": area}`` in m^2 (keys name the model and its ``Cd``).

    Examples
    --------
    >>> areas = effective_areas_m2(1.0 / 86400, 101325.0, 295.0)
    >>> round(areas["choked_cd_0.61"] * 1e6, 4)  # mm^2
    0.0796
    """
    unit = {
        f"choked_cd_{cd:g}": Orifice(area_m2=1e-6, discharge_coefficient=cd)
        for cd in discharge_coefficients
    }
    unit["viscous_crack"] = ViscousCrack(diameter_m=1e-5)  # type: ignore[assignment]
    unit["molecular"] = Molecular(area_m2=1e-6)  # type: ignore[assignment]
    areas: dict[str, float] = {}
    for key, model in unit.items():
        resized = model.with_mass_flow(
            rate_kg_per_s, pressure_up_pa, pressure_down_pa, temperature_k, gas
        )
        areas[key] = float(resized.area_m2)  # type: ignore[arg-type]
    return areas


def temperature_exponent(flow_exponent: float, temperature_k: float, gas: Gas = AIR) -> float:
    """Exponent ``k`` of the leak's temperature dependence, ``m-dot ~ P^n T^-k``.

    A choked hole (``n = 1``), subsonic orifice or effusion passes ``m-dot ~ T^-1/2``;
    a viscous crack (``n = 2``) passes ``P^2 / (mu R T)``, so ``k = 1 + d ln mu / d ln T``
    (Sutherland's law).  Between the two, ``k`` is interpolated linearly in ``n``, a
    transitional-flow approximation.  Unmodelled, this dependence turns the drift of
    the cabin temperature into a slow wander of the leak rate.

    Parameters
    ----------
    flow_exponent : float
        ``n`` of ``m-dot = C P^n``. [-]
    temperature_k : float
        Gas temperature at which the viscosity slope is taken. [K]
    gas : Gas
        The gas.

    Returns
    -------
    float
        ``k`` [-].

    Examples
    --------
    >>> temperature_exponent(1.0, 295.0)
    0.5
    >>> round(temperature_exponent(2.0, 295.0), 3)  # 1.5 - T/(T + S) + 1
    1.772
    """
    viscous = 2.5 - temperature_k / (temperature_k + gas.sutherland_s_k)
    share = float(np.clip(flow_exponent - 1.0, 0.0, 1.0))
    return 0.5 + share * (viscous - 0.5)
