"""The Monte Carlo benchmarks' shared options."""

from __future__ import annotations

import argparse

from hullwatch.analysis.rate import DEFAULT_SETTINGS
from hullwatch.validation.options import add_monte_carlo_options, rate_settings, seeds


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_monte_carlo_options(parser)
    return parser.parse_args(list(argv))


def test_defaults_are_the_documented_runs() -> None:
    args = _parse()
    assert seeds(args) == range(200)
    assert args.jobs == 2
    assert rate_settings(args) == DEFAULT_SETTINGS


def test_a_later_first_seed_adds_independent_runs_and_the_noise_option_reaches_the_fit() -> None:
    args = _parse("--runs", "200", "--first-seed", "200", "--no-bin-average-noise")
    assert seeds(args) == range(200, 400)
    assert rate_settings(args).bin_average_noise is False
    assert rate_settings(_parse("--bin-average-noise")).bin_average_noise is True


def test_the_reml_bias_correction_can_be_switched_off() -> None:
    assert rate_settings(_parse()).reml_bias_draws == 16
    assert rate_settings(_parse("--reml-bias-draws", "0")).reml_bias_draws == 0
