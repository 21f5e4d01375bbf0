"""Security of the live service: the write token, size limits, no file-system paths."""

from __future__ import annotations

import builtins
import os
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.service.conftest import AUTH, TOKEN

from hullwatch.service.security import TOKEN_ENV, resolve_token

BODY = "time,channel,value\n2026-05-01T00:00:00Z,SIM_PRK_P,700\n"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Basic " + TOKEN}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"X-Hullwatch-Token": "wrong"}, 403),
        ({"Authorization": "Bearer " + TOKEN + "x"}, 403),
        (AUTH, 200),
        ({"X-Hullwatch-Token": TOKEN}, 200),
    ],
)
def test_ingest_needs_the_token(client: TestClient, headers: dict[str, str], status: int) -> None:
    answer = client.post("/api/ingest", content=BODY, headers=headers)
    assert answer.status_code == status
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"
    rows = client.get("/api/health").json()["rows_ingested"]
    assert rows == (1 if status == 200 else 0)


def test_acknowledge_needs_the_token(client: TestClient, depress_csv: str) -> None:
    client.post("/api/ingest", content=depress_csv, headers=AUTH)
    assert client.post("/api/alarms/1/acknowledge").status_code == 401
    assert (
        client.post("/api/alarms/1/acknowledge", headers={"Authorization": "Bearer no"}).status_code
        == 403
    )
    assert client.get("/api/alarms", params={"active": True}).json()["alarms"][0]["id"] == 1
    assert client.post("/api/alarms/1/acknowledge", headers=AUTH).status_code == 200
    assert client.get("/api/alarms", params={"active": True}).json()["alarms"] == []


def test_reads_need_no_token(client: TestClient) -> None:
    for path in ("/api/state", "/api/alarms", "/api/events", "/api/health", "/api/habitat"):
        assert client.get(path).status_code == 200, path


def test_a_body_over_the_limit_is_413_and_changes_nothing(make_app: Callable[..., FastAPI]) -> None:
    big = BODY + "2026-05-01T00:00:01Z,SIM_PRK_P,700\n" * 100
    with TestClient(make_app(max_body_bytes=1000)) as client:
        assert len(big) > 1000
        assert client.post("/api/ingest", content=big, headers=AUTH).status_code == 413

        def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
            for line in big.splitlines(keepends=True):
                yield line.encode()

        assert client.post("/api/ingest", content=chunked(), headers=AUTH).status_code == 413
        assert client.get("/api/health").json()["rows_ingested"] == 0
        assert client.post("/api/ingest", content=BODY, headers=AUTH).status_code == 200


def test_query_sizes_are_bounded(client: TestClient) -> None:
    assert client.get("/api/history", params={"key": "x" * 500}).status_code == 422
    assert client.get("/api/alarms", params={"limit": 10**6}).status_code == 422
    assert (
        client.get("/api/history", params={"key": "PrK.pressure", "size": 10**7}).status_code == 422
    )


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened through open(), os.open or Path.open while the test runs."""
    seen: list[str] = []
    real_open, real_os_open, real_path_open = builtins.open, os.open, pathlib.Path.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(path))
        return real_os_open(path, *args, **kwargs)

    def spy_path_open(self: pathlib.Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(pathlib.Path, "open", spy_path_open)
    return seen


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/%2Fetc%2Fpasswd",
        "/static/index.html",  # a real file of the package, but not in the table
        "/static/__init__.py",
        "/api/history?key=../../../../etc/passwd",
        "/api/history?key=%2Fetc%2Fpasswd",
        "/api/openmct/history/..%2F..%2Fetc%2Fpasswd?start=0&end=1",
        "/api/openmct/history/%2Fetc%2Fpasswd?start=0&end=1",
        "/openmct/../../etc/passwd",
        "/openmct/index.html",  # not mounted unless the operator gives --openmct
    ],
)
def test_no_request_path_reaches_the_file_system(
    client: TestClient, opened: list[str], path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 404, (path, answer.status_code)
    assert "root:" not in answer.text
    assert not [p for p in opened if "passwd" in p or "__init__" in p or p.endswith("index.html")]


def test_path_like_ingest_bodies_are_data_not_paths(client: TestClient, opened: list[str]) -> None:
    for body in ("/etc/passwd", "time,channel,value\n2026-05-01T00:00:00Z,../../etc/passwd,1\n"):
        answer = client.post("/api/ingest", content=body, headers=AUTH)
        assert answer.status_code in (200, 400)
    assert not [p for p in opened if "passwd" in p]
    assert client.get("/api/health").json()["rows_ingested"] == 0


def test_the_token_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert resolve_token("from-option") == ("from-option", "option")
    assert resolve_token(None) == ("from-env", "environment")
    monkeypatch.delenv(TOKEN_ENV)
    token, origin = resolve_token(None)
    assert origin == "generated" and len(token) >= 24 and token != resolve_token(None)[0]
