"""The service fixtures (simulated runs, app factory, live server) for the adapter tests."""

from tests.service.conftest import (  # noqa: F401
    client,
    depress_csv,
    depress_run,
    habitat,
    make_app,
    quiet_csv,
    quiet_run,
)
