"""Import every command module so that each registers itself on the typer app."""

from hullwatch.cli import cmd_demo, cmd_simulate, cmd_validate  # noqa: F401
