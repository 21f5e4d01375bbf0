"""Unit conversions: round trips, published values, and one home for every constant.

Sources of the numbers:
- iss-facts.md "Conversions": 1 lb = 0.45359237 kg; 1 mmHg = 133.322 Pa;
  1 psi = 6894.757 Pa; 1 kg/day of air near 20 degC ~ 0.97 Pa m^3/s.
- iss-facts.md "Station figures": 14.7 psia = 101.3 kPa = 760 mmHg.
- Definitions (exact): 1 atm = 101325 Pa (ISO 2533), 1 torr = 1/760 atm,
  0 degC = 273.15 K, T[degF] = T[degC] * 9/5 + 32, 1 lb = 0.45359237 kg (1959),
  1 lbf/in^2 = 0.45359237 kg * 9.80665 m/s^2 / (0.0254 m)^2.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hullwatch
from hullwatch.errors import InputError
from hullwatch.physics.gas import AIR
from hullwatch.units import (
    MASS_FLOW_UNITS_TO_KG_PER_S,
    PRESSURE_UNITS_TO_PA,
    TEMPERATURE_UNITS_TO_K,
    converter,
    from_si,
    kg_per_day_to_kg_per_s,
    kg_per_day_to_lb_per_day,
    kg_per_s_to_kg_per_day,
    known_units,
    lb_per_day_to_kg_per_day,
    mass_flow_to_pv_flow,
    mass_flow_to_sccm,
    mmhg_to_pa,
    pa_to_mmhg,
    to_si,
)

ALL_UNITS = known_units()
PRESSURE_UNITS = list(PRESSURE_UNITS_TO_PA)
TEMPERATURE_UNITS = list(TEMPERATURE_UNITS_TO_K)

# Pressures from hard vacuum gauges to 41 MPa gas tanks (iss-facts: US tanks at 41 MPa),
# expressed in whatever unit is under test.
values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


# --- round trips -----------------------------------------------------------------------


@pytest.mark.parametrize("unit", PRESSURE_UNITS)
@given(value=values)
def test_pressure_unit_round_trips(unit: str, value: float) -> None:
    assert from_si(to_si(value, unit), unit) == pytest.approx(value, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("unit", ALL_UNITS)
@given(value=values)
def test_every_unit_round_trips_both_ways(unit: str, value: float) -> None:
    # to_si o from_si and from_si o to_si are both the identity (affine maps, scale != 0).
    assert from_si(to_si(value, unit), unit) == pytest.approx(value, rel=1e-12, abs=1e-9)
    assert to_si(from_si(value, unit), unit) == pytest.approx(value, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("unit", ALL_UNITS)
def test_arrays_convert_elementwise_and_converter_matches_to_si(unit: str) -> None:
    x = np.array([-40.0, 0.0, 1.0, 733.0, 1e5])
    y = to_si(x, unit)
    assert isinstance(y, np.ndarray)
    np.testing.assert_allclose(y, [to_si(float(v), unit) for v in x], rtol=1e-15)
    np.testing.assert_allclose(converter(unit)(x), y, rtol=1e-15)
    np.testing.assert_allclose(from_si(y, unit), x, rtol=1e-12, atol=1e-9)


# --- known values ------------------------------------------------------------------------


def test_760_mmhg_is_one_standard_atmosphere() -> None:
    # iss-facts: 760 mmHg = 101.3 kPa nominal; exact by the 1/760 atm definition used here.
    assert to_si(760.0, "mmHg") == pytest.approx(101325.0, rel=1e-12)
    assert to_si(760.0, "torr") == pytest.approx(101325.0, rel=1e-12)
    assert to_si(1.0, "atm") == 101325.0
    assert mmhg_to_pa(760.0) == pytest.approx(101325.0, rel=1e-12)
    assert pa_to_mmhg(101325.0) == pytest.approx(760.0, rel=1e-12)


def test_one_mmhg_matches_iss_facts_to_printed_precision() -> None:
    # iss-facts: 1 mmHg = 133.322 Pa (printed to 1e-3 Pa).
    assert to_si(1.0, "mmHg") == pytest.approx(133.322, abs=5e-4)


def test_psi_matches_definition_and_iss_facts() -> None:
    # Definition: lbf/in^2 = 0.45359237 * 9.80665 / 0.0254^2 Pa = 6894.757293... Pa.
    assert to_si(1.0, "psi") == pytest.approx(0.45359237 * 9.80665 / 0.0254**2, rel=1e-15)
    # iss-facts: 1 psi = 6894.757 Pa (printed to 1e-3 Pa).
    assert to_si(1.0, "psi") == pytest.approx(6894.757, abs=5e-4)
    # iss-facts: 14.7 psia = 1 atm; to the usual printed precision 14.696 psi (1e-3 psi).
    assert from_si(101325.0, "psi") == pytest.approx(14.696, abs=5e-4)
    assert to_si(14.696, "psi") == pytest.approx(101325.0, rel=5e-4 / 14.696)


@pytest.mark.parametrize(
    ("unit", "factor"),
    [("Pa", 1.0), ("hPa", 100.0), ("kPa", 1000.0), ("bar", 1e5), ("mbar", 100.0)],
)
def test_decimal_pressure_units(unit: str, factor: float) -> None:
    # SI prefixes and the bar (1 bar = 1e5 Pa, exact).
    assert to_si(1.0, unit) == factor


def test_pound_is_exactly_0_45359237_kg() -> None:
    # iss-facts: 1 lb = 0.45359237 kg (exact, 1959 international agreement).
    assert lb_per_day_to_kg_per_day(1.0) == 0.45359237
    assert kg_per_day_to_lb_per_day(0.45359237) == pytest.approx(1.0, rel=1e-15)
    assert to_si(1.0, "lb/day") == pytest.approx(0.45359237 / 86400.0, rel=1e-15)
    # iss-facts: the station requirement is 2 lb/day; in kg/day that is 0.907 kg/day.
    assert lb_per_day_to_kg_per_day(2.0) == pytest.approx(0.907, abs=5e-4)


def test_mass_flow_units() -> None:
    # 1 day = 86400 s, 1 h = 3600 s, 1 g = 1e-3 kg (definitions).
    assert to_si(86400.0, "kg/day") == pytest.approx(1.0, rel=1e-15)
    assert to_si(3600.0, "g/h") == pytest.approx(1e-3, rel=1e-15)
    assert kg_per_s_to_kg_per_day(1.0) == 86400.0
    assert kg_per_day_to_kg_per_s(86400.0) == pytest.approx(1.0, rel=1e-15)
    assert set(MASS_FLOW_UNITS_TO_KG_PER_S) >= {"kg/s", "kg/day", "lb/day"}


@pytest.mark.parametrize(
    ("value", "unit", "kelvin"),
    [
        (0.0, "degC", 273.15),  # definition of the Celsius scale
        (100.0, "degC", 373.15),
        (-273.15, "degC", 0.0),
        (32.0, "degF", 273.15),  # freezing point of water
        (212.0, "degF", 373.15),  # boiling point at 1 atm (ITS-90 to 0.03 K; exact here)
        (-40.0, "degF", 233.15),  # -40 degF = -40 degC
        (-459.67, "degF", 0.0),  # absolute zero in Fahrenheit
        (295.0, "K", 295.0),
    ],
)
def test_temperature_known_values(value: float, unit: str, kelvin: float) -> None:
    assert to_si(value, unit) == pytest.approx(kelvin, abs=1e-9)
    assert from_si(kelvin, unit) == pytest.approx(value, abs=1e-9)


def test_two_degrees_fahrenheit_band_is_1_1_kelvin() -> None:
    # iss-facts: cabin held within +-2 degF (+-1.1 K) of the setpoint: an interval, no offset.
    span = to_si(72.0, "degF") - to_si(70.0, "degF")
    assert span == pytest.approx(1.1, abs=0.05)


@pytest.mark.parametrize("function", [to_si, from_si])
@pytest.mark.parametrize("unit", ["furlong", "MMHG", "mmhg", "", "psia", "C"])
def test_unknown_unit_raises_input_error(function, unit: str) -> None:
    with pytest.raises(InputError) as info:
        function(1.0, unit)
    message = str(info.value)
    assert repr(unit) in message
    # The message lists the known units so the user can correct the file.
    for known in ("Pa", "mmHg", "psi", "degC"):
        assert known in message


def test_converter_validates_the_unit_up_front() -> None:
    with pytest.raises(InputError):
        converter("furlong")


def test_one_kg_per_day_of_air_is_0_97_pa_m3_per_s_near_20_degc() -> None:
    # iss-facts: "1 kg/day of air near 20 degC ~ 0.97 Pa m^3/s" (printed to 0.01).
    throughput = mass_flow_to_pv_flow(
        to_si(1.0, "kg/day"), AIR.gas_constant_j_per_kg_k, to_si(20.0, "degC")
    )
    assert throughput == pytest.approx(0.97, abs=5e-3)


def test_sccm_uses_the_0_degc_1_atm_reference() -> None:
    # Derivation: V-dot = m-dot R T_ref / P_ref with T_ref = 273.15 K, P_ref = 101325 Pa;
    # 1 kg/day -> 1/86400 * 287.05 * 273.15 / 101325 m^3/s * 6e7 cm^3/min = 537 sccm.
    # (iss-facts quotes ~575 sccm, which corresponds to a 20 degC reference:
    # 537 * 293.15 / 273.15 = 577.)
    rate = to_si(1.0, "kg/day")
    expected = rate * AIR.gas_constant_j_per_kg_k * 273.15 / 101325.0 * 1e6 * 60.0
    assert mass_flow_to_sccm(rate, AIR.gas_constant_j_per_kg_k) == pytest.approx(
        expected, rel=1e-12
    )
    assert expected * 293.15 / 273.15 == pytest.approx(575.0, abs=5.0)


# --- constants have one home ---------------------------------------------------------------

# Conversion factors that must only be written in units.py (iss-facts "Conversions" and their
# reciprocals / close relatives). Matched by value, to 1e-4 relative, so 133.32, 133.3224 and
# 6_894.757 are all caught.
CONVERSION_CONSTANTS = {
    "mmHg in Pa": 101325.0 / 760.0,
    "psi in Pa": 0.45359237 * 9.80665 / 0.0254**2,
    "pound in kg": 0.45359237,
    "kg in pounds": 1.0 / 0.45359237,
    "atm in psi": 101325.0 / (0.45359237 * 9.80665 / 0.0254**2),
    "inch in m": 0.0254,
    "standard gravity": 9.80665,
}


def _numeric_literals(path: Path) -> list[tuple[int, str]]:
    """Numbers written in code (not in strings, docstrings or comments)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
    return [(tok.start[0], tok.string) for tok in tokens if tok.type == tokenize.NUMBER]


def test_conversion_constants_are_defined_only_in_units_py() -> None:
    package = Path(hullwatch.__file__).parent
    sources = sorted(
        p for p in package.rglob("*.py") if p.name != "units.py" or p.parent != package
    )
    assert len(sources) > 10  # the scan actually sees the package
    offenders = []
    for path in sources:
        for line, text in _numeric_literals(path):
            try:
                number = float(text.replace("_", ""))
            except ValueError:  # complex literals
                continue
            for what, constant in CONVERSION_CONSTANTS.items():
                if number != 0 and abs(number / constant - 1.0) < 1e-4:
                    offenders.append(f"{path.relative_to(package)}:{line}: {text} ({what})")
    assert not offenders, "conversion constants outside units.py:\n" + "\n".join(offenders)


def test_the_scan_would_catch_a_constant(tmp_path: Path) -> None:
    # The check above is only worth something if it sees numbers in code but not in strings.
    module = tmp_path / "module.py"
    module.write_text('x = 133.322  # 6894.757\ny = "0.45359237"\n', "utf-8")
    assert _numeric_literals(module) == [(1, "133.322")]
