"""Command-line options shared by the Monte Carlo benchmarks (``benchmarks/bench_*_mc.py``)."""

from __future__ import annotations

import argparse

from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings


def add_monte_carlo_options(parser: argparse.ArgumentParser) -> None:
    """Add the seeds, workers and leak-rate fit options of a Monte Carlo benchmark."""
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="Seeds run from here (the default 0 gives the documented runs; "
        "another start adds independent runs).",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--bin-average-noise",
        action=argparse.BooleanOptionalAction,
        default=DEFAULT_SETTINGS.bin_average_noise,
        help="Model the noise of each bin as its average, not an instant "
        "(RateSettings.bin_average_noise, on by default; --no-bin-average-noise "
        "reads bins as instants, as before; docs/leak-rate.md).",
    )
    parser.add_argument(
        "--reml-bias-draws",
        type=int,
        default=DEFAULT_SETTINGS.reml_bias_draws,
        help="Bootstrap draws correcting REML's short bias in the correlation time "
        f"(RateSettings.reml_bias_draws, default {DEFAULT_SETTINGS.reml_bias_draws}); "
        "0 leaves it.",
    )


def seeds(args: argparse.Namespace) -> range:
    """The seeds the options ask for."""
    return range(args.first_seed, args.first_seed + args.runs)


def rate_settings(args: argparse.Namespace) -> RateSettings:
    """The leak-rate fit's settings the options ask for."""
    return RateSettings(
        bin_average_noise=args.bin_average_noise, reml_bias_draws=args.reml_bias_draws
    )
