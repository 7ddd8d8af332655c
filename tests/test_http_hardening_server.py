"""One client must never stop the server, against the real `accountgraph serve` process
over real sockets: hostile bodies, deep GET variables, headers, slow clients (issue 10).

The server runs with one-second head and body deadlines so that the tests are quick; each
socket has a generous timeout that only keeps a broken server from hanging the suite: no
test measures how fast anything happens.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.hostile_requests import DOCUMENT, HOSTILE_BODIES, HOSTILE_GET_VARIABLES
from tests.server import running_server

SAFETY_TIMEOUT = 30.0
"""Seconds a socket waits before the test fails: a bound against hanging, not a measure."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server's base URL and its log."""
    log = tmp_path_factory.mktemp("hardening") / "serve.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ACCOUNTGRAPH_HEADER_TIMEOUT", "1")
        env.setenv("ACCOUNTGRAPH_BODY_TIMEOUT", "1")
        env.setenv("PYTHONWARNINGS", "error::RuntimeWarning")
        with running_server(log=log) as base:
            yield base, log


def address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def connect(base: str) -> socket.socket:
    return socket.create_connection(address(base), timeout=SAFETY_TIMEOUT)


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def log_text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_a_hostile_body_is_a_400(server: tuple[str, Path], name: str) -> None:
    base, _ = server
    body, expected = HOSTILE_BODIES[name]
    response = httpx.post(
        f"{base}/graphql",
        content=body,
        headers={"content-type": "application/json"},
        timeout=SAFETY_TIMEOUT,
    )
    assert response.status_code == 400, response.text
    assert expected in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("name", HOSTILE_GET_VARIABLES)
def test_hostile_get_variables_are_a_400(server: tuple[str, Path], name: str) -> None:
    base, _ = server
    variables, expected = HOSTILE_GET_VARIABLES[name]
    response = httpx.get(
        f"{base}/graphql",
        params={"query": DOCUMENT, "variables": variables},
        headers={"accept": "application/json"},
        timeout=SAFETY_TIMEOUT,
    )
    assert response.status_code == 400, response.text
    assert expected in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("path", "status"), [("/", 200), ("/static/page/page.js", 200), ("/health", 200), ("/x", 404)]
)
def test_responses_carry_the_security_headers(
    server: tuple[str, Path], path: str, status: int
) -> None:
    base, _ = server
    response = httpx.get(f"{base}{path}", timeout=SAFETY_TIMEOUT)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_body_that_stops_coming_is_answered_408_and_closed(server: tuple[str, Path]) -> None:
    base, _ = server
    with connect(base) as connection:
        connection.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        answer = read_until_closed(connection)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in head.lower()
    assert b"ACCOUNTGRAPH_BODY_TIMEOUT" in body


def test_a_head_that_stops_coming_is_closed(server: tuple[str, Path]) -> None:
    base, _ = server
    with connect(base) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: te")
        assert read_until_closed(connection) == b""


def test_a_kept_alive_connection_whose_next_head_stops_is_closed(
    server: tuple[str, Path],
) -> None:
    base, _ = server
    with connect(base) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        first = b""
        while b'"status"' not in first:
            first += connection.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        connection.sendall(b"GET /health HTTP/1.1\r\nHo")
        assert b"HTTP/1.1" not in read_until_closed(connection)


def test_many_slow_clients_are_all_dropped_and_the_server_still_answers(
    server: tuple[str, Path],
) -> None:
    base, _ = server
    slow_bodies = [
        socket.create_connection(address(base), timeout=SAFETY_TIMEOUT) for _ in range(50)
    ]
    slow_heads = [
        socket.create_connection(address(base), timeout=SAFETY_TIMEOUT) for _ in range(50)
    ]
    try:
        for connection in slow_bodies:
            connection.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"
            )
        for connection in slow_heads:
            connection.sendall(b"GET / HTTP/1.1\r\n")
        assert httpx.get(f"{base}/health", timeout=SAFETY_TIMEOUT).status_code == 200
        assert all(read_until_closed(c).startswith(b"HTTP/1.1 408 ") for c in slow_bodies)
        assert all(read_until_closed(c) == b"" for c in slow_heads)
    finally:
        for connection in slow_bodies + slow_heads:
            connection.close()
    assert httpx.get(f"{base}/health", timeout=SAFETY_TIMEOUT).status_code == 200


def test_an_empty_lang_leaves_nothing_unawaited_in_the_log(server: tuple[str, Path]) -> None:
    base, log = server
    query = '{ parties { edges { node { accountableTo { id } name(lang: "") } } } }'
    answer = httpx.post(f"{base}/graphql", json={"query": query}, timeout=SAFETY_TIMEOUT)
    message = answer.json()["errors"][0]["message"]
    assert message == "Enum 'Lang' cannot represent non-enum value: \"\"."
    assert httpx.get(f"{base}/health", timeout=SAFETY_TIMEOUT).status_code == 200
    text = log_text(log)
    assert "never awaited" not in text
    assert "Exception ignored" not in text


def test_nothing_a_client_sent_made_the_server_fail(server: tuple[str, Path]) -> None:
    """Runs after the others in this module (pytest keeps the file's order unless
    randomised; either way it checks whatever has been sent by then)."""
    _, log = server
    text = log_text(log)
    assert "Exception in ASGI application" not in text
    assert "Traceback" not in text
