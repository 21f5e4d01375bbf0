"""Hatch timeline: step functions, configurations and the open-by-default assumption.

formats.md section 1: "A hatch with no channel, or before its first sample, is taken as
open, and hullwatch says so"; section 2: "Hatch channels are sent on change and may
repeat; a state holds until the next sample."
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hullwatch.habitat import Habitat, Hatch, HatchTimeline, Module, load_habitat

T0 = np.datetime64("2026-05-01T00:00:00", "ns")
HOUR = np.timedelta64(3600, "s")


def _t(hours: float) -> np.datetime64:
    return T0 + np.timedelta64(int(hours * 3600e9), "ns")


def _times(*hours: float) -> np.ndarray:
    return np.array([_t(h) for h in hours], dtype="datetime64[ns]")


@pytest.fixture
def chain() -> Habitat:
    """Zvezda - PrK - Progress, as in the built-in ISS aft end."""
    return Habitat(
        "aft",
        (Module("Zvezda", 75.0), Module("PrK", 5.0), Module("Progress", 7.6)),
        (Hatch("Zvezda-PrK", ("Zvezda", "PrK")), Hatch("PrK-Progress", ("PrK", "Progress"))),
    )


def _assert_contiguous(configs, start, end) -> None:
    assert configs[0].start == start
    assert configs[-1].end == end
    for before, after in itertools.pairwise(configs):
        assert before.end == after.start
        assert before.open_hatches != after.open_hatches


def test_no_data_means_all_open_with_one_assumption_naming_each_hatch(chain: Habitat) -> None:
    timeline = HatchTimeline(chain, {})
    (text,) = timeline.assumptions
    assert text.startswith("2 hatches have no data and are taken as open")
    assert all(hatch in text for hatch in chain.hatch_names)
    configs = timeline.configurations(_t(0), _t(24))
    assert len(configs) == 1
    assert configs[0].open_hatches == frozenset(chain.hatch_names)
    assert configs[0].compartments == (("Zvezda", "PrK", "Progress"),)
    _assert_contiguous(configs, _t(0), _t(24))


def test_empty_sample_arrays_count_as_no_data(chain: Habitat) -> None:
    empty = (np.array([], dtype="datetime64[ns]"), np.array([], dtype=float))
    timeline = HatchTimeline(chain, {"Zvezda-PrK": empty})
    assert any("Zvezda-PrK" in a for a in timeline.assumptions)
    assert timeline.first_sample("Zvezda-PrK") is None


def test_only_hatches_without_data_get_an_assumption(chain: Habitat) -> None:
    timeline = HatchTimeline(chain, {"Zvezda-PrK": (_times(1), np.array([0.0]))})
    assert len(timeline.assumptions) == 1
    assert "PrK-Progress" in timeline.assumptions[0]
    assert "Zvezda-PrK" not in timeline.assumptions[0]


def test_configurations_split_only_at_changes(chain: Habitat) -> None:
    # Closed at 2 h, the same "closed" repeated at 3 h and 5 h, opened at 8 h.
    samples = {"Zvezda-PrK": (_times(2, 3, 5, 8), np.array([0.0, 0.0, 0.0, 1.0]))}
    timeline = HatchTimeline(chain, samples)
    configs = timeline.configurations(_t(0), _t(12))
    assert [(c.start, c.end) for c in configs] == [
        (_t(0), _t(2)),
        (_t(2), _t(8)),
        (_t(8), _t(12)),
    ]
    assert [c.compartment_of("PrK") for c in configs] == [
        ("Zvezda", "PrK", "Progress"),
        ("PrK", "Progress"),
        ("Zvezda", "PrK", "Progress"),
    ]
    assert configs[1].open_hatches == frozenset({"PrK-Progress"})
    assert configs[1].compartments == (("Zvezda",), ("PrK", "Progress"))
    _assert_contiguous(configs, _t(0), _t(12))


def test_repeated_open_samples_do_not_split(chain: Habitat) -> None:
    # Hatch channels may repeat (formats.md section 2): "open, open, open" is one state.
    samples = {"Zvezda-PrK": (_times(1, 2, 3), np.ones(3))}
    configs = HatchTimeline(chain, samples).configurations(_t(0), _t(4))
    assert len(configs) == 1


def test_repeats_on_one_hatch_while_another_changes(chain: Habitat) -> None:
    samples = {
        "Zvezda-PrK": (_times(1, 5), np.array([0.0, 1.0])),
        "PrK-Progress": (_times(0.5, 2, 3, 4), np.array([1.0, 1.0, 0.0, 0.0])),
    }
    configs = HatchTimeline(chain, samples).configurations(_t(0), _t(6))
    assert [c.start for c in configs] == [_t(0), _t(1), _t(3), _t(5)]
    assert [c.compartments for c in configs] == [
        (("Zvezda", "PrK", "Progress"),),
        (("Zvezda",), ("PrK", "Progress")),
        (("Zvezda",), ("PrK",), ("Progress",)),
        (("Zvezda", "PrK"), ("Progress",)),
    ]
    _assert_contiguous(configs, _t(0), _t(6))


def test_state_before_the_first_sample_is_open(chain: Habitat) -> None:
    samples = {"Zvezda-PrK": (_times(10), np.array([0.0]))}
    timeline = HatchTimeline(chain, samples)
    assert timeline.first_sample("Zvezda-PrK") == _t(10)
    assert "Zvezda-PrK" in timeline.open_hatches_at(_t(9.999))
    assert "Zvezda-PrK" not in timeline.open_hatches_at(_t(10))  # a state holds from its sample
    assert "Zvezda-PrK" not in timeline.open_hatches_at(_t(100))
    configs = timeline.configurations(_t(0), _t(20))
    assert [c.start for c in configs] == [_t(0), _t(10)]
    assert configs[0].open_hatches == frozenset(chain.hatch_names)


def test_samples_in_any_order(chain: Habitat) -> None:
    ordered = {"Zvezda-PrK": (_times(1, 2, 3), np.array([0.0, 1.0, 0.0]))}
    shuffled = {"Zvezda-PrK": (_times(3, 1, 2), np.array([0.0, 0.0, 1.0]))}
    a = HatchTimeline(chain, ordered).configurations(_t(0), _t(4))
    b = HatchTimeline(chain, shuffled).configurations(_t(0), _t(4))
    assert a == b
    assert [c.start for c in a] == [_t(0), _t(1), _t(2), _t(3)]


def test_window_inside_the_samples(chain: Habitat) -> None:
    # Closed at 1 h, opened at 10 h; a window from 3 h to 6 h sees one closed configuration.
    samples = {"Zvezda-PrK": (_times(1, 10), np.array([0.0, 1.0]))}
    timeline = HatchTimeline(chain, samples)
    configs = timeline.configurations(_t(3), _t(6))
    assert len(configs) == 1
    assert configs[0].open_hatches == frozenset({"PrK-Progress"})
    _assert_contiguous(configs, _t(3), _t(6))
    # A change exactly at the window start applies from the start; one at the end is outside.
    at_edges = timeline.configurations(_t(1), _t(10))
    assert len(at_edges) == 1 and at_edges[0].open_hatches == frozenset({"PrK-Progress"})


def test_fractional_values_threshold_at_one_half(chain: Habitat) -> None:
    samples = {"Zvezda-PrK": (_times(1, 2), np.array([0.2, 0.9]))}
    timeline = HatchTimeline(chain, samples)
    assert "Zvezda-PrK" not in timeline.open_hatches_at(_t(1.5))
    assert "Zvezda-PrK" in timeline.open_hatches_at(_t(2.5))


def test_datetime64_inputs_of_other_resolutions(chain: Habitat) -> None:
    times = np.array(["2026-05-01T01:00:00", "2026-05-01T02:00:00"], dtype="datetime64[s]")
    timeline = HatchTimeline(chain, {"Zvezda-PrK": (times, np.array([0.0, 1.0]))})
    configs = timeline.configurations(
        np.datetime64("2026-05-01T00:00", "m"), np.datetime64("2026-05-01T03:00", "m")
    )
    assert [c.start for c in configs] == [_t(0), _t(1), _t(2)]


def test_builtin_iss_closing_the_prk_hatch() -> None:
    iss = load_habitat()
    channel = iss.hatch_channels()["Zvezda-PrK"]
    assert channel.id == "SIM_HATCH_ZVEZDA_PRK"
    samples = {"Zvezda-PrK": (_times(6), np.array([0.0]))}
    timeline = HatchTimeline(iss, samples)
    # 22 of 23 hatches have no data and are taken as open, said so in one note that
    # names each of them.
    (note,) = timeline.assumptions
    assert note.startswith(f"{len(iss.hatches) - 1} hatches have no data")
    assert all(h in note for h in iss.hatch_names if h != "Zvezda-PrK")
    assert "Zvezda-PrK" not in note
    configs = timeline.configurations(_t(0), _t(24))
    assert len(configs) == 2
    assert configs[0].compartments == (iss.module_names,)
    assert configs[1].compartment_of("PrK") == ("PrK", "Progress")
    assert len(configs[1].compartment_of("Zvezda")) == 22


def test_assumptions_name_hatches_open_before_their_first_sample() -> None:
    habitat = load_habitat()
    times = np.array(["2026-05-01T06:00"], dtype="datetime64[ns]")
    timeline = HatchTimeline(habitat, {"Zvezda-PrK": (times, np.array([0.0]))})
    notes = timeline.assumptions_for(np.datetime64("2026-05-01T00:00", "ns"))
    assert any("Zvezda-PrK" in n and "2026-05-01T06:00:00Z" in n for n in notes)
    later = timeline.assumptions_for(np.datetime64("2026-05-01T07:00", "ns"))
    assert not any("Zvezda-PrK" in n for n in later)
    assert any("Unity-Destiny" in n for n in later)  # no data at all: taken as open
