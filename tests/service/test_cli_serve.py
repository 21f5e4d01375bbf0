"""``hullwatch serve`` from the command line: bad options exit 2; it serves on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.service.conftest import free_port

from hullwatch.cli.app import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port: must be between 1 and 65535"),
        (["--port", "70000"], "--port: must be between 1 and 65535"),
        (["--max-body-mb", "0"], "--max-body-mb: must be in (0, 1024]"),
        (["--openmct", "/no/such/folder"], "/no/such/folder: no index.html in this folder"),
        (["--config", "/no/such/habitat.toml"], "habitat.toml"),
        (["--threshold-lb-per-day", "0"], "--threshold-lb-per-day: must be positive"),
        (["--horizon", "soon"], "--horizon"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_serve_binds_loopback_and_takes_the_token_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "HULLWATCH_TOKEN": "env-token-1", "OPENBLAS_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hullwatch.cli.app import entry_point; entry_point()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        body = "time,channel,value\n2026-05-01T00:00:00Z,SIM_PRK_P,700\n"
        assert httpx.post(url + "/api/ingest", content=body).status_code == 401
        headers = {"Authorization": "Bearer env-token-1"}
        assert httpx.post(url + "/api/ingest", content=body, headers=headers).status_code == 200
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.returncode == 0:  # the local address column: loopback only
            assert [line.split()[3] for line in out.stdout.splitlines()] == [f"127.0.0.1:{port}"]
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert f"serving on http://127.0.0.1:{port}/" in err
    assert "env-token-1" not in err  # a token from the environment is never printed
