"""One client must never stop the server: hostile bodies, slow bodies, security headers,
strict days and secrets, through Starlette's TestClient (issue 10)."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import Message

from accountgraph.api.app import create_app
from accountgraph.api.headers import STRICT_POLICY
from accountgraph.api.request_json import MAX_JSON_DEPTH, RequestJSONError, read_json
from accountgraph.settings import Settings
from accountgraph.web import CONTENT_SECURITY_POLICY
from tests.hostile_requests import (
    DOCUMENT,
    HOSTILE_BODIES,
    HOSTILE_GET_VARIABLES,
    nested_object,
)

JSON_HEADERS = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=True) as client:
        yield client


def refusal(response: Any, status: int = 400) -> str:
    """The one error message of a refusal, which must be JSON shaped as GraphQL errors."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    message: str = error["message"]
    return message


# --- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_a_hostile_body_is_a_400_with_a_graphql_error(http: TestClient, name: str) -> None:
    body, expected = HOSTILE_BODIES[name]
    response = http.post("/graphql", content=body, headers=JSON_HEADERS)
    assert expected in refusal(response)


@pytest.mark.parametrize("name", HOSTILE_GET_VARIABLES)
def test_hostile_get_variables_are_a_400(http: TestClient, name: str) -> None:
    variables, expected = HOSTILE_GET_VARIABLES[name]
    response = http.get(
        "/graphql",
        params={"query": DOCUMENT, "variables": variables},
        headers={"accept": "application/json"},
    )
    assert expected in refusal(response)


def test_get_variables_that_are_null_or_an_object_are_answered(http: TestClient) -> None:
    accept = {"accept": "application/json"}
    null = http.get("/graphql", params={"query": DOCUMENT, "variables": "null"}, headers=accept)
    assert null.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}
    query = "query($id: ID!) { party(id: $id) { id } }"
    given = http.get(
        "/graphql", params={"query": query, "variables": '{"id": "wipo-sscs"}'}, headers=accept
    )
    assert given.json() == {"data": {"party": {"id": "wipo-sscs"}}}


def test_a_body_of_another_type_is_a_415_with_a_graphql_error(http: TestClient) -> None:
    response = http.post("/graphql", content=DOCUMENT, headers={"content-type": "text/plain"})
    assert "Content-Type text/plain" in refusal(response, 415)


def test_a_batch_is_refused_as_a_graphql_error(http: TestClient) -> None:
    response = http.post("/graphql", json=[{"query": DOCUMENT}])
    assert "Batching" in refusal(response)


def test_json_nested_to_the_bound_is_read_and_one_more_is_refused() -> None:
    assert read_json(nested_object(MAX_JSON_DEPTH), "here") is not None
    with pytest.raises(RequestJSONError, match="here nests objects and arrays more than 64"):
        read_json(nested_object(MAX_JSON_DEPTH + 1), "here")


def test_an_ordinary_request_still_works(http: TestClient) -> None:
    response = http.post("/graphql", json={"query": DOCUMENT, "variables": {"a": [1.5, "x"]}})
    assert response.status_code == 200
    assert response.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}


# --- a body that does not come -----------------------------------------------------------


def test_a_body_that_stops_coming_is_answered_408_and_the_connection_closed() -> None:
    """The real app, its lifespan run, called as the server would: the client sends the
    headers and a first byte of 100, then nothing."""
    app = create_app(Settings(body_timeout=0.2))
    sent: list[Message] = []

    async def request() -> None:
        chunks = [{"type": "http.request", "body": b"{", "more_body": True}]

        async def receive() -> Message:
            if chunks:
                return chunks.pop()
            await asyncio.Event().wait()  # the client never sends the rest
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8000),
            "app": app,
        }
        await asyncio.wait_for(app(scope, receive, send), timeout=30)

    with TestClient(app) as client:
        assert client.portal is not None
        client.portal.call(request)

    start, body = sent
    assert start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"connection"] == b"close"
    assert headers[b"x-content-type-options"] == b"nosniff"
    message = json.loads(body["body"])["errors"][0]["message"]
    assert "did not arrive within 0.2 seconds" in message
    assert "ACCOUNTGRAPH_BODY_TIMEOUT" in message


# --- headers on every response -----------------------------------------------------------

RESPONSES: dict[str, tuple[str, str, dict[str, Any], int]] = {
    "page": ("GET", "/", {}, 200),
    "static file": ("GET", "/static/page/page.js", {}, 200),
    "console": ("GET", "/graphql", {"headers": {"accept": "text/html"}}, 200),
    "graphql": ("POST", "/graphql", {"json": {"query": DOCUMENT}}, 200),
    "graphql error": ("POST", "/graphql", {"json": {"query": "{ nope }"}}, 200),
    "health": ("GET", "/health", {}, 200),
    "graph": ("GET", "/api/graph", {}, 200),
    "bad day": ("GET", "/api/graph?as_of=20090101", {}, 400),
    "400": ("POST", "/graphql", {"content": b"null", "headers": JSON_HEADERS}, 400),
    "404": ("GET", "/no-such-page", {}, 404),
    "405": ("PUT", "/graphql", {}, 405),
    "413": ("POST", "/graphql", {"content": b" " * 70_000, "headers": JSON_HEADERS}, 413),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_every_response_carries_the_security_headers(http: TestClient, name: str) -> None:
    method, path, options, status = RESPONSES[name]
    response = http.request(method, path, **options)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    is_page = response.headers["content-type"].startswith("text/html")
    assert policy == (CONTENT_SECURITY_POLICY if is_page else STRICT_POLICY)


# --- days --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["20090101", "2009-W01-1", "2009-1-1", "2009-02-30", " 2009-01-01"])
def test_as_of_takes_yyyy_mm_dd_only(http: TestClient, day: str) -> None:
    literal = http.post(
        "/graphql", json={"query": f'{{ party(id: "wipo-sscs", asOf: "{day}") {{ id }} }}'}
    ).json()
    assert literal["data"] is None
    [error] = literal["errors"]
    assert error["message"].startswith(f"{day!r} is not a date")
    assert error["locations"] == [{"line": 1, "column": 32}]

    variable = http.post(
        "/graphql",
        json={
            "query": 'query($d: Date) { party(id: "wipo-sscs", asOf: $d) { id } }',
            "variables": {"d": day},
        },
    ).json()
    assert variable["data"] is None
    [error] = variable["errors"]
    assert error["message"].startswith(f"Variable '$d' has invalid value: {day!r} is not a date")


def test_a_day_written_yyyy_mm_dd_is_taken(http: TestClient) -> None:
    answer = http.post(
        "/graphql", json={"query": '{ party(id: "wipo-sscs", asOf: "2009-01-01") { id } }'}
    ).json()
    assert answer == {"data": {"party": {"id": "wipo-sscs"}}}


def test_the_date_scalar_names_its_form_in_the_schema(http: TestClient) -> None:
    answer = http.post(
        "/graphql", json={"query": '{ __type(name: "Date") { description } }'}
    ).json()
    assert "YYYY-MM-DD" in answer["data"]["__type"]["description"]


# --- a field error beside pending resolvers ----------------------------------------------

EMPTY_LANG_REFUSED = "Enum 'Lang' cannot represent non-enum value: \"\"."
"""``lang`` is an enum: an empty one is refused when the document is validated."""
EMPTY_LANG_QUERIES = [
    '{ parties { edges { node { name(lang: "") } } } }',
    '{ parties { edges { node { accountableTo { id } name(lang: "") } } } }',
    '{ parties { edges { node { edges { to { id } from { name(lang: "") } } } } } }',
    '{ parties { edges { node { responsibilities { holder { id } text(lang: "") } } } } }',
    '{ paths(fromId: "wipo-personnel", toId: "wipo-member-states") '
    '{ nodes { id } explanation(lang: "") } }',
]


@pytest.mark.parametrize("query", EMPTY_LANG_QUERIES)
def test_an_empty_lang_leaves_no_resolver_unawaited(http: TestClient, query: str) -> None:
    """A field error under a non-null field must not orphan its siblings' coroutines
    (graphql-core before 3.3 left them never awaited)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = http.post("/graphql", json={"query": query}).json()
        assert http.portal is not None
        http.portal.call(asyncio.sleep, 0.05)  # let settled siblings finish
        gc.collect()
    assert answer["data"] is None
    assert answer["errors"][0]["message"] == EMPTY_LANG_REFUSED
    unawaited = [str(w.message) for w in caught if "never awaited" in str(w.message)]
    assert unawaited == []


# --- secrets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "neo4j://neo4j:hunter2@127.0.0.1:1",
        "neo4j://127.0.0.1:1?password=hunter2",
        "neo4j://127.0.0.1:1?policy=x&auth_token=hunter2",
    ],
)
def test_health_and_errors_never_show_a_store_password(url: str) -> None:
    with TestClient(create_app(Settings(store=url, store_timeout=0.5))) as client:
        health = client.get("/health")
        answer = client.post("/graphql", json={"query": DOCUMENT})
    assert health.status_code == 503
    assert health.json()["store"].startswith("neo4j://127.0.0.1:1")
    assert "unavailable" in answer.json()["errors"][0]["message"]
    for text in (health.text, answer.text):
        assert "hunter2" not in text
