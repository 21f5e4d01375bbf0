"""``plan-isolation``: constraints respected, halving, separating two suspects, holds, exit 2."""

from __future__ import annotations

import json

import pytest
from tests.locate.conftest import CHAIN_MODULES, belief_on, chain_habitat

from hullwatch.cli.app import main
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import load_habitat, write_habitat
from hullwatch.locate.constraints import IsolationConstraints, load_constraints
from hullwatch.locate.plan import SHORTEST_USABLE_HOLD_S, Step, candidate_closures, plan_isolation
from hullwatch.physics.gas import CABIN_AIR
from hullwatch.physics.leakflow import leak_model
from hullwatch.telemetry import write_telemetry
from hullwatch.units import SECONDS_PER_DAY, STANDARD_ATMOSPHERE_PA, ZERO_CELSIUS_K, to_si

CHAIN = chain_habitat()
FLAT = dict.fromkeys(CHAIN_MODULES, 1.0)
SAMPLES = 40


def _steps(step: Step) -> list[Step]:
    """The step and every next step of its branches."""
    out = [step]
    for outcome in step.outcomes:
        if outcome.next is not None:
            out += _steps(outcome.next)
    return out


def _open(step: Step) -> set[str]:
    return set(CHAIN.hatch_names) - set(step.closed_hatches)


def test_flat_prior_single_closure_halves_the_modules() -> None:
    # One closure a day allows one hatch per configuration: the best is the balanced cut.
    constraints = IsolationConstraints(max_closures_per_day=1)
    plan = plan_isolation(CHAIN, belief_on(CHAIN, FLAT, 1.0), constraints, samples=SAMPLES)
    first = plan.first
    assert first.close_hatches == ["M3-M4"]
    assert first.p_leak == pytest.approx([0.5, 0.5])
    # A split in two equal halves can teach at most 1 bit; a resolved hold gets near it.
    assert 0.85 <= first.information_gain_bits <= 1.0 + 1e-9
    assert [o.probability for o in first.outcomes] == pytest.approx([0.5, 0.5])


def test_belief_on_two_modules_is_split_between_them() -> None:
    plan = plan_isolation(CHAIN, belief_on(CHAIN, {"M1": 0.5, "M6": 0.5}, 1.0), samples=SAMPLES)
    first = plan.first
    assert CHAIN.compartment_of("M1", _open(first)) != CHAIN.compartment_of("M6", _open(first))
    found = {o.most_likely: o.posterior[o.most_likely] for o in first.outcomes}
    assert set(found) == {"M1", "M6"}
    assert all(p >= 0.9 for p in found.values())
    assert first.information_gain_bits > 0.7  # out of the 1 bit there is


def test_hold_grows_as_the_leak_rate_falls() -> None:
    holds = []
    for rate_lb_per_day in (2.0, 1.0, 0.5):
        belief = belief_on(CHAIN, FLAT, rate_lb_per_day)
        first = plan_isolation(CHAIN, belief, samples=10, screen=2, holds_tried=1).first
        resolved = first.minimum_detectable_kg_per_day <= rate_lb_per_day * 0.45359237
        assert resolved.all()  # the hold resolves the rate in every compartment
        holds.append(first.minimum_hold_s)
    # Never shorter than the rate fit can use; longer as the leak gets harder to see.
    assert min(holds) >= SHORTEST_USABLE_HOLD_S
    assert holds[0] <= holds[1] <= holds[2] and holds[0] < holds[2]


def test_plan_respects_every_constraint() -> None:
    constraints = IsolationConstraints(
        keep_access=("M2", "M5"),
        never_close=("M3-M4",),
        always_closed=("M0-M1",),
        min_pressure_pa=to_si(740.0, "mmHg"),
        max_closures_per_day=1,
    )
    belief = belief_on(CHAIN, FLAT, 1.0)
    plan = plan_isolation(CHAIN, belief, constraints, samples=20)
    temperature = ZERO_CELSIUS_K + 22.0
    hole = leak_model("orifice").with_mass_flow(
        belief.leak_rate_upper_kg_per_day / SECONDS_PER_DAY,
        STANDARD_ATMOSPHERE_PA,
        0.0,
        temperature,
    )
    steps = _steps(plan.first)
    assert len(steps) > 1
    for step in steps:
        open_hatches = _open(step)
        assert CHAIN.compartment_of("M2", open_hatches) == CHAIN.compartment_of("M5", open_hatches)
        assert "M3-M4" not in step.closed_hatches and "M0-M1" in step.closed_hatches
        assert "M0-M1" not in step.close_hatches
        assert len(step.close_hatches) <= step.hold_s / SECONDS_PER_DAY * 1 + 1e-9
        for compartment, share in zip(step.compartments, step.p_leak, strict=True):
            if share > 0:
                end = hole.decay_pressure_pa(
                    step.hold_s,
                    STANDARD_ATMOSPHERE_PA,
                    CHAIN.volume_m3(compartment),
                    temperature,
                    CABIN_AIR,
                )
                assert end >= constraints.min_pressure_pa * (1 - 1e-9)


def test_a_small_compartment_with_a_fast_leak_is_not_closed() -> None:
    # 100 lb/day takes any closed compartment (at most 7 x 20 m^3, and the leak may be in
    # the small one) below 750 mmHg in well under the shortest hold considered (1 h).
    with pytest.raises(AnalysisError, match="relax a constraint"):
        plan_isolation(
            CHAIN,
            belief_on(CHAIN, FLAT, 100.0),
            IsolationConstraints(min_pressure_pa=to_si(750.0, "mmHg")),
            samples=20,
        )


def test_crew_access_drops_the_configurations_that_split_the_crew() -> None:
    allowed = candidate_closures(CHAIN, IsolationConstraints(keep_access=("M0", "M7")))
    assert allowed == []
    allowed = candidate_closures(CHAIN, IsolationConstraints(keep_access=("M0", "M1")))
    assert frozenset({"M0-M1"}) not in allowed and frozenset({"M1-M2"}) in allowed


@pytest.mark.parametrize(
    ("constraints", "field"),
    [
        (IsolationConstraints(keep_access=("Atlantis",)), "keep_access"),
        (IsolationConstraints(never_close=("M0-M7",)), "never_close"),
        (IsolationConstraints(never_close=("M1-M2",), always_closed=("M1-M2",)), "always_closed"),
        (IsolationConstraints(keep_access=("M0", "M3"), always_closed=("M1-M2",)), "keep_access"),
        (IsolationConstraints(min_pressure_pa=2 * STANDARD_ATMOSPHERE_PA), "min_pressure_mmhg"),
        (IsolationConstraints(max_closures_per_day=0), "max_closures_per_day"),
    ],
)
def test_bad_constraints_name_their_field(constraints, field) -> None:
    with pytest.raises(InputError) as error:
        constraints.validate(CHAIN)
    assert error.value.field == field


def test_constraints_file_reads_every_field(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'keep_access = ["Zvezda"]\nnever_close = ["Unity-Destiny"]\n'
        'always_closed = ["Zvezda-PrK"]\nmin_pressure_mmhg = 700\nmax_closures_per_day = 2\n'
    )
    loaded = load_constraints(path)
    assert loaded.keep_access == ("Zvezda",) and loaded.always_closed == ("Zvezda-PrK",)
    assert loaded.min_pressure_pa == pytest.approx(to_si(700.0, "mmHg"))
    assert loaded.max_closures_per_day == 2
    loaded.validate(load_habitat(None))


@pytest.mark.parametrize(
    ("text", "args", "field"),
    [
        ('keep_access = ["Atlantis"]\n', [], "keep_access"),
        ('never_close = ["Zvezda-Moon"]\n', [], "never_close"),
        ('always_closed = ["Zvezda-PrK"]\n', ["--never-close", "Zvezda-PrK"], "always_closed"),
        (
            'keep_access = ["Zvezda", "Destiny"]\nalways_closed = ["Zarya-Zvezda"]\n',
            [],
            "keep_access",
        ),
        ("hatches = 3\n", [], "hatches"),
        ("min_pressure_mmhg = 900\n", [], "min_pressure_mmhg"),
    ],
)
def test_bad_constraints_exit_2_naming_the_field(tmp_path, capsys, text, args, field) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    status = main(
        ["plan-isolation", "--constraints", str(path), "--leak-rate-lb-per-day", "1", *args]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert f"{field}:" in err and "Traceback" not in err


def test_without_data_or_rate_exits_2(capsys) -> None:
    assert main(["plan-isolation"]) == 2
    assert "leak_rate" in capsys.readouterr().err


def test_cli_plans_from_a_locate_posterior(prk_located, tmp_path, capsys) -> None:
    path = tmp_path / "posterior.json"
    path.write_text(json.dumps(prk_located.to_dict()))
    status = main(
        [
            "plan-isolation",
            "--posterior",
            str(path),
            "--keep-access",
            "Zvezda",
            "--never-close",
            "Zarya-Zvezda",
            "--samples",
            "10",
            "--json",
        ]
    )
    assert status == 0
    payload = json.loads(capsys.readouterr().out)
    plan = payload["plan"]
    assert payload["belief"].startswith("the posterior in")
    assert payload["leak_rate_kg_per_day"] > 0
    assert "Zarya-Zvezda" not in plan["closed_hatches"] and plan["hold_h"] > 0
    zvezda = [c for c in plan["compartments"] if "Zvezda" in c["modules"]]
    assert len(zvezda) == 1
    assert sum(o["probability"] for o in plan["outcomes"]) <= 1.0 + 1e-9


def test_cli_text_reads_as_a_decision_tree(tmp_path, capsys) -> None:
    config = tmp_path / "chain.toml"
    write_habitat(CHAIN, config)
    args = ["plan-isolation", "--config", str(config), "--leak-rate-lb-per-day", "1"]
    status = main([*args, "--keep-access", "M0", "--start", "2026-05-01T00:00Z", "--samples", "20"])
    assert status == 0
    text = capsys.readouterr().out
    assert "1. Close" in text and "at 2026-05-01T00:00Z" in text and "hold" in text
    assert "loses gas" in text and "then A:" in text


def test_cli_plans_from_telemetry(prk_campaign, tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    write_telemetry(prk_campaign.telemetry, path)
    args = ["plan-isolation", "--telemetry", str(path), "--samples", "10", "--json"]
    assert main([*args, "--always-closed", "Zvezda-PrK"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["belief"] == "the posterior of the telemetry"
    # The 1 lb/day leak the data measured, with an upper value above it.
    assert 0.1 < payload["leak_rate_kg_per_day"] < 2.0
    assert payload["leak_rate_upper_kg_per_day"] >= payload["leak_rate_kg_per_day"]
    assert "Zvezda-PrK" in payload["plan"]["closed_hatches"]
    assert payload["plan"]["close_at"].startswith("2026-05-03")  # the end of the data
