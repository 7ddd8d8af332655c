"""Refusals the server sends before GraphQL runs, shaped as GraphQL errors:
``{"errors": [{"message": ...}]}``, so every client reads them the same way."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import Send


def error_document(message: str) -> bytes:
    """The body of a refusal."""
    return json.dumps({"errors": [{"message": message}]}, ensure_ascii=False).encode("utf-8")


def error_response(
    status: int,
    message: str,
    *,
    media_type: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A refusal as a Starlette response, as ``media_type`` (``application/json`` when
    omitted: :mod:`accountgraph.api.media_types`)."""
    response = JSONResponse({"errors": [{"message": message}]}, status_code=status, headers=headers)
    if media_type is not None and media_type != response.media_type:
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
    return response


async def send_error(
    send: Send, status: int, message: str, *, close_connection: bool = False
) -> None:
    """Send a refusal through a raw ASGI ``send``; ``close_connection`` tells the server
    (and the client) that the connection ends with it, for a request whose body will
    never be read."""
    body = error_document(message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
    ]
    if close_connection:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
