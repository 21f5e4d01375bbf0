"""Habitat model: compartments under hatch states, lookups and volumes.

formats.md section 1: modules joined by open hatches form one compartment.
Built-in ISS topology: iss-facts.md "Module volumes" (a tree: 24 modules, 23 hatches).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hullwatch.errors import InputError
from hullwatch.habitat import Channel, Habitat, Hatch, Module, load_habitat

ISS = load_habitat()
ALL_OPEN = frozenset(ISS.hatch_names)
RUSSIAN_AFT = {"Zvezda", "PrK", "Progress", "Poisk", "Nauka", "Prichal"}


def _flatten(compartments: list[tuple[str, ...]]) -> list[str]:
    return [m for c in compartments for m in c]


def test_all_hatches_open_is_one_compartment_in_file_order() -> None:
    assert ISS.compartments(ALL_OPEN) == [ISS.module_names]


def test_closing_zvezda_prk_splits_off_prk_and_progress() -> None:
    # iss-facts: Zvezda-PrK-aft port, with a Progress docked at the aft port.
    compartments = ISS.compartments(ALL_OPEN - {"Zvezda-PrK"})
    assert len(compartments) == 2
    assert compartments[1] == ("PrK", "Progress")
    assert set(compartments[0]) == set(ISS.module_names) - {"PrK", "Progress"}
    assert ISS.compartment_of("PrK", ALL_OPEN - {"Zvezda-PrK"}) == ("PrK", "Progress")
    assert ISS.compartment_of("Progress", ALL_OPEN - {"Zvezda-PrK"}) == ("PrK", "Progress")


def test_closing_both_prk_hatches_isolates_the_prk() -> None:
    state = ALL_OPEN - {"Zvezda-PrK", "PrK-Progress"}
    assert ISS.compartment_of("PrK", state) == ("PrK",)
    assert ISS.compartment_of("Progress", state) == ("Progress",)
    assert len(ISS.compartments(state)) == 3


def test_closing_zarya_zvezda_separates_the_aft_russian_segment() -> None:
    # 2020 search (iss-facts): crew in Zvezda with hatches to the rest of the station closed.
    compartments = ISS.compartments(ALL_OPEN - {"Zarya-Zvezda"})
    assert [set(c) for c in compartments] == [
        RUSSIAN_AFT,
        set(ISS.module_names) - RUSSIAN_AFT,
    ]


def test_all_hatches_closed_is_one_compartment_per_module() -> None:
    assert ISS.compartments(set()) == [(m,) for m in ISS.module_names]
    assert ISS.compartments(frozenset()) == [(m,) for m in ISS.module_names]


@settings(max_examples=60, deadline=None)
@given(open_hatches=st.sets(st.sampled_from(ISS.hatch_names)))
def test_compartments_partition_the_modules(open_hatches: set[str]) -> None:
    compartments = ISS.compartments(open_hatches)
    # A partition: every module exactly once, volumes add up to the station's.
    assert sorted(_flatten(compartments)) == sorted(ISS.module_names)
    assert sum(ISS.volume_m3(c) for c in compartments) == pytest.approx(
        ISS.volume_m3(ISS.module_names), rel=1e-12
    )
    # The ISS graph is a tree, so each open hatch merges exactly two compartments.
    assert len(compartments) == len(ISS.modules) - len(open_hatches)
    # Modules of a compartment in file order; compartments ordered by first module.
    index = {m: i for i, m in enumerate(ISS.module_names)}
    for c in compartments:
        assert [index[m] for m in c] == sorted(index[m] for m in c)
    firsts = [index[c[0]] for c in compartments]
    assert firsts == sorted(firsts)
    # Every open hatch joins two modules of the same compartment.
    for name in open_hatches:
        a, b = ISS.hatch(name).between
        assert ISS.compartment_of(a, open_hatches) == ISS.compartment_of(b, open_hatches)


def test_cycle_and_isolated_module() -> None:
    hab = Habitat(
        "ring",
        (Module("A", 1.0), Module("B", 2.0), Module("C", 3.0), Module("D", 4.0)),
        (Hatch("A-B", ("A", "B")), Hatch("B-C", ("B", "C")), Hatch("C-A", ("C", "A"))),
    )
    all_open = set(hab.hatch_names)
    assert hab.compartments(all_open) == [("A", "B", "C"), ("D",)]
    # In a ring, closing one hatch keeps it connected.
    assert hab.compartments(all_open - {"B-C"}) == [("A", "B", "C"), ("D",)]
    assert hab.compartments({"C-A"}) == [("A", "C"), ("B",), ("D",)]
    assert hab.volume_m3(("A", "C")) == 4.0


def test_module_lookup_and_unknown_module() -> None:
    assert ISS.module("Destiny").volume_m3 == 104.8  # iss-facts
    with pytest.raises(InputError) as info:
        ISS.module("Mir")
    assert "'Mir'" in str(info.value)
    assert "Zvezda" in str(info.value)  # lists the valid ones
    with pytest.raises(InputError):
        ISS.compartment_of("Mir", ALL_OPEN)


def test_hatch_lookup_and_unknown_hatch() -> None:
    assert ISS.hatch("Zvezda-PrK").between == ("Zvezda", "PrK")
    with pytest.raises(InputError, match="'Nope'"):
        ISS.hatch("Nope")


def test_neighbours() -> None:
    assert sorted(ISS.neighbours("PrK")) == [("PrK-Progress", "Progress"), ("Zvezda-PrK", "Zvezda")]
    zvezda = {other for _, other in ISS.neighbours("Zvezda")}
    # iss-facts topology: Zarya-Zvezda, Zvezda-PrK, Zvezda-Poisk, Zvezda-Nauka.
    assert zvezda == {"Zarya", "PrK", "Poisk", "Nauka"}


def test_channel_lookups() -> None:
    assert ISS.channel("USLAB000058") == Channel("USLAB000058", "pressure", "mmHg", "Destiny")
    assert ISS.channel("NOPE") is None
    assert [c.id for c in ISS.channels_for("Destiny", "pressure")] == ["USLAB000058"]
    assert [c.id for c in ISS.channels_for("Destiny", "temperature")] == ["USLAB000059"]
    assert ISS.hatch_channels()["Zvezda-PrK"].id == "SIM_HATCH_ZVEZDA_PRK"
    assert set(ISS.channel_map) == {c.id for c in ISS.channels}


def test_habitat_equality_ignores_the_index_cache() -> None:
    a = Habitat("h", (Module("A", 1.0),), ())
    b = Habitat("h", (Module("A", 1.0),), ())
    assert a == b
