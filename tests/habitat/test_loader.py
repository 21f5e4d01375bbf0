"""Habitat files (formats.md section 1): the built-in ISS, round trips, and every error class.

Sources: iss-facts.md "Station figures" (916 m^3 pressurized; ~1,005 m^3 after Nauka),
"Module volumes" (Zvezda 75, Destiny 104.8, Harmony 75.5, Columbus 75, Leonardo 31,
Quest 34, Poisk 12.5-14.8, Rassvet 17.4, Nauka ~70, Prichal 19, BEAM 16, Dragon 9.3,
Soyuz ~9) and its topology list; formats.md section 1 for the file contract.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat, Hatch, Module, load_habitat, write_habitat
from hullwatch.habitat.loader import habitat_from_dict, habitat_to_dict
from hullwatch.habitat.model import Channel

ISS = load_habitat()


# --- the built-in ISS ------------------------------------------------------------------------


def test_builtin_has_24_modules_all_reachable() -> None:
    assert len(ISS.modules) == 24
    assert len(set(ISS.module_names)) == 24
    assert ISS.compartments(ISS.hatch_names) == [ISS.module_names]


def test_builtin_loads_by_name_and_by_default() -> None:
    assert load_habitat("iss") == load_habitat(None)
    assert ISS.name == "International Space Station"
    assert "iss.toml" in ISS.source


def test_builtin_total_volume_between_published_figures() -> None:
    # iss-facts: 916 m^3 pressurized; ~1,005 m^3 after Nauka (plus visiting vehicles).
    total = ISS.volume_m3(ISS.module_names)
    assert 916.0 <= total <= 1005.0


@pytest.mark.parametrize(
    ("module", "volume"),
    [
        ("Destiny", 104.8),
        ("Harmony", 75.5),
        ("Columbus", 75.0),
        ("Leonardo", 31.0),
        ("Zvezda", 75.0),
        ("Rassvet", 17.4),
        ("Prichal", 19.0),
        ("BEAM", 16.0),
        ("Dragon", 9.3),
        ("Nauka", 70.0),  # "about 70"
        ("Soyuz", 9.0),  # "about 9"
    ],
)
def test_builtin_volumes_from_iss_facts(module: str, volume: float) -> None:
    assert ISS.module(module).volume_m3 == volume


def test_builtin_quest_and_poisk_volumes() -> None:
    # iss-facts: Quest 34 m^3 in all (split into equipment and crew lock); Poisk 12.5-14.8.
    assert ISS.volume_m3(("Quest_EquipmentLock", "Quest_CrewLock")) == pytest.approx(34.0)
    assert 12.5 <= ISS.module("Poisk").volume_m3 <= 14.8
    # iss-facts: PrK volume NOT FOUND, published figures imply 3-15 m^3.
    assert 3.0 <= ISS.module("PrK").volume_m3 <= 15.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zarya", "Zvezda"),
        ("Zvezda", "PrK"),
        ("PrK", "Progress"),  # aft port
        ("Zvezda", "Poisk"),
        ("Zvezda", "Nauka"),
        ("Nauka", "Prichal"),
        ("Zarya", "Rassvet"),
        ("Zarya", "PMA-1"),
        ("PMA-1", "Unity"),
        ("Unity", "Destiny"),
        ("Unity", "Quest_EquipmentLock"),
        ("Unity", "Tranquility"),
        ("Tranquility", "Cupola"),
        ("Tranquility", "Leonardo"),
        ("Tranquility", "BEAM"),
        ("Destiny", "Harmony"),
        ("Harmony", "Columbus"),
        ("Harmony", "Kibo_PM"),
        ("Kibo_PM", "Kibo_ELM-PS"),
        ("Harmony", "PMA-2"),  # docking port
    ],
)
def test_builtin_topology_from_iss_facts(a: str, b: str) -> None:
    assert any(set(h.between) == {a, b} for h in ISS.hatches)


@pytest.mark.parametrize(
    ("channel_id", "module", "quantity", "unit"),
    [
        ("USLAB000058", "Destiny", "pressure", "mmHg"),
        ("USLAB000059", "Destiny", "temperature", "degC"),
        ("AIRLOCK000054", "Quest_EquipmentLock", "pressure", "mmHg"),
        ("AIRLOCK000049", "Quest_CrewLock", "pressure", "mmHg"),
    ],
)
def test_builtin_real_isslive_channels(
    channel_id: str, module: str, quantity: str, unit: str
) -> None:
    assert ISS.channel(channel_id) == Channel(channel_id, quantity, unit, module, None)


def test_builtin_every_hatch_has_a_hatch_channel() -> None:
    assert set(ISS.hatch_channels()) == set(ISS.hatch_names)
    for hatch, channel in ISS.hatch_channels().items():
        assert channel.quantity == "hatch" and channel.unit == "1"
        assert channel.hatch == hatch and channel.module is None


def test_builtin_every_module_has_pressure_and_temperature_channels() -> None:
    # The built-in file gives every module a real or SIM_* pressure and temperature channel.
    for name in ISS.module_names:
        assert ISS.channels_for(name, "pressure"), name
        assert ISS.channels_for(name, "temperature"), name


# --- round trip -------------------------------------------------------------------------------


def _same(a: Habitat, b: Habitat) -> None:
    assert a.name == b.name
    assert a.modules == b.modules
    assert a.hatches == b.hatches
    assert a.channels == b.channels


def test_builtin_round_trips_through_write_and_load(tmp_path: Path) -> None:
    path = tmp_path / "iss-copy.toml"
    write_habitat(ISS, path)
    again = load_habitat(path)
    _same(again, ISS)
    assert again.source == str(path)


def test_custom_habitat_round_trips(tmp_path: Path) -> None:
    hab = Habitat(
        "test vehicle",
        (Module("Cabin", 12.5), Module("Lock", 3.25), Module("Node", 1e-3)),
        (
            Hatch("Cabin-Lock", ("Cabin", "Lock"), seal_conductance_kg_per_s_pa=1e-9),
            Hatch("inner hatch", ("Node", "Cabin")),
        ),
        (
            Channel("P1", "pressure", "psi", "Cabin"),
            Channel("T1", "temperature", "degF", "Lock"),
            Channel("O2", "ppO2", "kPa", "Node"),
            Channel("H1", "hatch", "1", hatch="inner hatch"),
        ),
    )
    path = tmp_path / "vehicle.toml"
    write_habitat(hab, path)
    _same(load_habitat(path), hab)
    _same(habitat_from_dict(habitat_to_dict(hab)), hab)


def test_hatch_name_defaults_to_a_dash_b(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text(
        textwrap.dedent(
            """
            name = "h"
            [[modules]]
            name = "Zvezda"
            volume_m3 = 75.0
            [[modules]]
            name = "PrK"
            volume_m3 = 4.2
            [[hatches]]
            between = ["Zvezda", "PrK"]
            [[channels]]
            id = "HATCH_ZVEZDA_PRK"
            hatch = "Zvezda-PrK"
            quantity = "hatch"
            """
        ),
        "utf-8",
    )
    hab = load_habitat(path)
    assert hab.hatch_names == ("Zvezda-PrK",)
    assert hab.hatch_channels()["Zvezda-PrK"].unit == "1"


def test_formats_md_example_loads(tmp_path: Path) -> None:
    # The example in formats.md section 1, verbatim.
    path = tmp_path / "excerpt.toml"
    path.write_text(
        textwrap.dedent(
            """
            name = "ISS Russian segment (excerpt)"

            [[modules]]
            name = "Zvezda"          # unique, case-sensitive
            volume_m3 = 75.0         # free gas volume, > 0

            [[modules]]
            name = "PrK"
            volume_m3 = 4.2

            [[hatches]]
            name = "Zvezda-PrK"      # unique; optional, defaults to "<a>-<b>"
            between = ["Zvezda", "PrK"]

            [[channels]]
            id = "PRK_P"             # the channel id as it appears in telemetry files
            module = "PrK"
            quantity = "pressure"
            unit = "mmHg"

            [[channels]]
            id = "PRK_T"
            module = "PrK"
            quantity = "temperature"
            unit = "degC"

            [[channels]]
            id = "HATCH_ZVEZDA_PRK"
            hatch = "Zvezda-PrK"     # a hatch channel names a hatch, not a module
            quantity = "hatch"       # value 1 = open, 0 = closed
            """
        ),
        "utf-8",
    )
    hab = load_habitat(path)
    assert hab.module_names == ("Zvezda", "PrK")
    assert hab.volume_m3(hab.module_names) == pytest.approx(79.2)
    assert [c.id for c in hab.channels] == ["PRK_P", "PRK_T", "HATCH_ZVEZDA_PRK"]


@pytest.mark.parametrize("unit", ["Pa", "kPa", "hPa", "mmHg", "torr", "psi", "bar"])
def test_every_pressure_unit_of_the_contract_is_accepted(tmp_path: Path, unit: str) -> None:
    # formats.md: pressure units Pa kPa hPa mmHg torr psi bar.
    hab = habitat_from_dict(_doc(channels=[_ch("P", "pressure", unit)]))
    assert hab.channel("P").unit == unit  # type: ignore[union-attr]


@pytest.mark.parametrize("unit", ["K", "degC", "degF"])
def test_every_temperature_unit_of_the_contract_is_accepted(unit: str) -> None:
    hab = habitat_from_dict(_doc(channels=[_ch("T", "temperature", unit)]))
    assert hab.channel("T").unit == unit  # type: ignore[union-attr]


def _doc(**overrides: object) -> dict:
    doc: dict = {
        "name": "h",
        "modules": [{"name": "A", "volume_m3": 10.0}, {"name": "B", "volume_m3": 5.0}],
        "hatches": [{"name": "A-B", "between": ["A", "B"]}],
        "channels": [],
    }
    doc.update(overrides)
    return doc


def _ch(channel_id: str, quantity: str, unit: str, module: str = "A") -> dict:
    return {"id": channel_id, "module": module, "quantity": quantity, "unit": unit}


# --- errors -------------------------------------------------------------------------------------

HEAD = """
name = "test"

[[modules]]
name = "A"
volume_m3 = 10.0

[[modules]]
name = "B"
volume_m3 = 5.0
"""
HATCH = """
[[hatches]]
name = "A-B"
between = ["A", "B"]
"""

# (id, file text, substrings the message must contain besides the file name)
BAD_FILES = [
    (
        "unknown module in hatch",
        HEAD + '[[hatches]]\nname = "A-X"\nbetween = ["A", "X"]\n',
        ["hatches[0]", "'A-X'", "unknown module", "'X'"],
    ),
    (
        "unknown module in second hatch",
        HEAD + HATCH + '[[hatches]]\nbetween = ["X", "B"]\n',
        ["hatches[1]", "unknown module", "'X'"],
    ),
    (
        "unknown module in channel",
        HEAD + '[[channels]]\nid = "P_X"\nmodule = "X"\nquantity = "pressure"\nunit = "Pa"\n',
        ["channels[0]", "'P_X'", "unknown module", "'X'"],
    ),
    (
        "unknown hatch in channel",
        HEAD + HATCH + '[[channels]]\nid = "H"\nhatch = "A-C"\nquantity = "hatch"\n',
        ["channels[0]", "'H'", "unknown hatch", "'A-C'"],
    ),
    (
        "duplicate module name",
        HEAD + '[[modules]]\nname = "A"\nvolume_m3 = 1.0\n',
        ["modules", "duplicate", "'A'"],
    ),
    (
        "duplicate hatch name",
        HEAD
        + '[[modules]]\nname = "C"\nvolume_m3 = 1.0\n'
        + HATCH
        + '[[hatches]]\nname = "A-B"\nbetween = ["B", "C"]\n',
        ["hatches", "duplicate", "'A-B'"],
    ),
    (
        "duplicate channel id",
        HEAD
        + '[[channels]]\nid = "P"\nmodule = "A"\nquantity = "pressure"\nunit = "Pa"\n'
        + '[[channels]]\nid = "P"\nmodule = "B"\nquantity = "pressure"\nunit = "Pa"\n',
        ["channels", "duplicate", "'P'"],
    ),
    (
        "two hatches join the same modules",
        HEAD + HATCH + '[[hatches]]\nname = "B-A"\nbetween = ["B", "A"]\n',
        ["hatches", "same modules"],
    ),
    (
        "zero volume",
        HEAD + '[[modules]]\nname = "C"\nvolume_m3 = 0.0\n',
        ["modules[2]", "'C'", "volume_m3"],
    ),
    (
        "negative volume",
        HEAD.replace("volume_m3 = 5.0", "volume_m3 = -5.0"),
        ["modules[1]", "'B'", "volume_m3"],
    ),
    (
        "nan volume",
        HEAD.replace("volume_m3 = 5.0", "volume_m3 = nan"),
        ["modules[1]", "'B'", "volume_m3"],
    ),
    (
        "infinite volume",
        HEAD.replace("volume_m3 = 5.0", "volume_m3 = inf"),
        ["modules[1]", "'B'", "volume_m3"],
    ),
    (
        "volume not a number",
        HEAD.replace("volume_m3 = 5.0", 'volume_m3 = "big"'),
        ["modules[1]", "'B'", "volume_m3"],
    ),
    (
        "misspelt key",
        HEAD.replace("volume_m3 = 5.0", "volume = 5.0"),
        ["modules[1]", "'B'", "volume"],
    ),
    (
        "unknown unit",
        HEAD + '[[channels]]\nid = "P1"\nmodule = "A"\nquantity = "pressure"\nunit = "furlong"\n',
        ["channels[0]", "'P1'", "'furlong'"],
    ),
    (
        "unit of the wrong quantity",
        HEAD + '[[channels]]\nid = "P1"\nmodule = "A"\nquantity = "pressure"\nunit = "degC"\n',
        ["channels[0]", "'P1'", "'degC'", "pressure"],
    ),
    (
        "unknown quantity",
        HEAD + '[[channels]]\nid = "RH"\nmodule = "A"\nquantity = "humidity"\nunit = "1"\n',
        ["channels[0]", "'RH'", "'humidity'"],
    ),
    (
        "hatch channel naming a module",
        HEAD + HATCH + '[[channels]]\nid = "H1"\nmodule = "A"\nquantity = "hatch"\n',
        ["channels[0]", "'H1'", "hatch"],
    ),
    (
        "pressure channel naming a hatch",
        HEAD + HATCH + '[[channels]]\nid = "P1"\nhatch = "A-B"\nquantity = "pressure"\n'
        'unit = "Pa"\n',
        ["channels[0]", "'P1'", "module"],
    ),
    (
        "hatch between the same module twice",
        HEAD + '[[hatches]]\nname = "A-A"\nbetween = ["A", "A"]\n',
        ["hatches[0]", "'A-A'", "different"],
    ),
    (
        "hatch between three modules",
        HEAD + '[[hatches]]\nname = "ABC"\nbetween = ["A", "B", "A"]\n',
        ["hatches[0]", "'ABC'", "between"],
    ),
    (
        "no modules",
        'name = "empty"\n',
        ["modules"],
    ),
    (
        "empty module name",
        HEAD + '[[modules]]\nname = ""\nvolume_m3 = 1.0\n',
        ["modules[2]", "name"],
    ),
    (
        "TOML syntax",
        HEAD + '[[modules]]\nname = "C\nvolume_m3 = 1.0\n',
        ["TOML", "line 12"],  # the unterminated string,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_habitat_file_raises_input_error_naming_file_and_entry(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "bad-habitat.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        load_habitat(path)
    error = info.value
    message = str(error)
    assert error.exit_status == 2
    assert error.source == str(path)
    assert "bad-habitat.toml" in message
    for part in expected:
        assert part in message, (part, message)


def test_bad_files_cases_are_each_otherwise_valid() -> None:
    # Guard against a case failing for a reason other than the one it names: the shared
    # head and hatch are valid on their own.
    import tomllib

    hab = habitat_from_dict(tomllib.loads(HEAD + HATCH))
    assert hab.module_names == ("A", "B")


def test_missing_file_raises_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "no-such-habitat.toml"
    with pytest.raises(InputError) as info:
        load_habitat(path)
    assert "no-such-habitat.toml" in str(info.value)
    assert "no such" in str(info.value)


def test_unreadable_paths_raise_input_error(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match=r"binary\.toml"):
        load_habitat(binary)
    with pytest.raises(InputError, match=re.escape(tmp_path.name)):
        load_habitat(tmp_path)  # a directory


def test_only_first_problem_reported_with_a_count_of_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "two-problems.toml"
    path.write_text(
        HEAD.replace("volume_m3 = 10.0", "volume_m3 = 0.0").replace(
            "volume_m3 = 5.0", "volume_m3 = -1.0"
        ),
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_habitat(path)
    message = str(info.value)
    assert "modules[0]" in message and "1 more" in message


def test_habitat_from_dict_uses_the_given_source_name() -> None:
    with pytest.raises(InputError, match=r"^my-file\.toml: modules\[0\]"):
        habitat_from_dict(_doc(modules=[{"name": "A", "volume_m3": -1.0}]), "my-file.toml")
