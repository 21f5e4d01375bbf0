"""Import every command module so that each registers itself on the typer app."""

from hullwatch.cli import (  # noqa: F401
    cmd_budget,
    cmd_demo,
    cmd_detect,
    cmd_events,
    cmd_forecast,
    cmd_history,
    cmd_ingest,
    cmd_locate,
    cmd_plan,
    cmd_rate,
    cmd_report,
    cmd_repress,
    cmd_reserve,
    cmd_risk,
    cmd_seal,
    cmd_serve,
    cmd_simulate,
    cmd_validate,
    cmd_watch,
)
