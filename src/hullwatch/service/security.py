"""Security of ``hullwatch serve``: the write token and the request size limit.

- Write endpoints (ingest, acknowledge) need the token, sent as
  ``Authorization: Bearer <token>`` (or ``X-Hullwatch-Token: <token>``): without
  one the answer is 401, with a wrong one 403.  The token comes from ``--token``,
  else the environment variable ``HULLWATCH_TOKEN``; with neither, the service makes
  a random one at start and prints it once.  Tokens are compared in constant time.
- Request bodies are read up to a limit (``max_body_bytes``); beyond it the answer
  is 413 before the rest is read.
- Nothing in a request names a file: measurement keys are looked up in a fixed
  dictionary and static files in a fixed table.
"""

from __future__ import annotations

import hmac
import os
import secrets

from fastapi import HTTPException, Request, status

#: Environment variable holding the write token.
TOKEN_ENV = "HULLWATCH_TOKEN"
#: Default limit of a request body. [bytes]
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


def resolve_token(token: str | None) -> tuple[str, str]:
    """The write token and where it came from (``option``, ``environment``, ``generated``)."""
    if token:
        return token, "option"
    env = os.environ.get(TOKEN_ENV, "")
    if env:
        return env, "environment"
    return secrets.token_urlsafe(24), "generated"


def presented_token(request: Request) -> str | None:
    """The token a request presents, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    alt = request.headers.get("x-hullwatch-token", "").strip()
    return alt or None


class TokenGuard:
    """A FastAPI dependency that admits a request only with the right token.

    Parameters
    ----------
    token : str
        The write token.
    """

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the write token must not be empty")
        self._token = token.encode("utf-8")

    def __call__(self, request: Request) -> None:
        """Raise 401 without a token, 403 with a wrong one."""
        given = presented_token(request)
        if given is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "this endpoint needs the write token (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(given.encode("utf-8"), self._token):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong token")


async def read_limited_body(request: Request, max_bytes: int) -> bytes:
    """The request body, or 413 as soon as it is longer than ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_long = int(declared) > max_bytes
        except ValueError:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "bad Content-Length") from None
        if too_long:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE, f"body larger than {max_bytes} bytes"
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE, f"body larger than {max_bytes} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)
