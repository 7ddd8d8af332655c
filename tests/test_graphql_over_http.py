"""GraphQL over HTTP as its specification has it: the media type
``application/graphql-response+json`` and what each status means with it, ``Accept``
negotiation (406), mutations over GET (405), and ``application/json`` answering as it did
for clients written before the specification (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.api.media_types import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from accountgraph.settings import Settings

RESPONSE_JSON = {"accept": GRAPHQL_RESPONSE_JSON}
DEEP_DOCUMENT = '{ party(id: "x") { ' + "edges { to { " * 10 + "id" + " } }" * 10 + " } }"
REQUEST_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "a document that does not parse": ({"query": "{ dataset { name }"}, "Syntax Error"),
    "a document that does not validate": (
        {"query": "{ dataset { nope } }"},
        "Cannot query field 'nope'",
    ),
    "variables that do not fit": (
        {
            "query": "query($n: Int!) { parties(first: $n) { totalCount } }",
            "variables": {"n": "ten"},
        },
        "Variable '$n' has invalid value: Int cannot represent",
    ),
    "a required variable missing": (
        {"query": "query($id: ID!) { party(id: $id) { id } }", "variables": {}},
        "Variable '$id' has invalid value",
    ),
    "a document over the depth limit": ({"query": DEEP_DOCUMENT}, "ACCOUNTGRAPH_MAX_QUERY_DEPTH"),
    "an operation over the cost limit": (
        {
            "query": "{ parties(first: 500) { edges { node { edges { to { edges { to { edges "
            "{ to { id } } } } } } } } } }"
        },
        "ACCOUNTGRAPH_MAX_QUERY_COST",
    ),
}


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=True) as client:
        yield client


def post(http: TestClient, body: dict[str, Any], accept: str | None) -> Any:
    headers = {"content-type": "application/json"}
    if accept is not None:
        headers["accept"] = accept
    return http.post("/graphql", json=body, headers=headers)


# --- negotiation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", JSON),
        (f"application/json;q=0.9, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, */*;q=0.1", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        ("text/html, application/xhtml+xml, */*;q=0.8", JSON),
        ("Application/JSON; charset=utf-8", JSON),
        ("text/html", None),
        ("text/plain, image/*", None),
        ("application/json;q=0", None),
        ("*/*;q=0", None),
        ("nonsense", None),
    ],
)
def test_accept_picks_the_media_type(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


def test_graphql_response_json_is_answered_in_it(http: TestClient) -> None:
    response = post(http, {"query": "{ dataset { name } }"}, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert response.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_old_clients_get_application_json(http: TestClient, accept: str | None) -> None:
    response = post(http, {"query": "{ dataset { name } }"}, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


def test_nothing_acceptable_is_a_406_naming_what_is_offered(http: TestClient) -> None:
    response = post(http, {"query": "{ dataset { name } }"}, "text/csv")
    assert response.status_code == 406
    [error] = response.json()["errors"]
    assert "text/csv" in error["message"]
    assert GRAPHQL_RESPONSE_JSON in error["message"]


def test_a_browser_still_gets_the_console(http: TestClient) -> None:
    response = http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


# --- request errors ------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUEST_ERRORS)
def test_a_request_error_is_a_400_without_data(http: TestClient, name: str) -> None:
    body, expected = REQUEST_ERRORS[name]
    response = post(http, body, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    answer = response.json()
    assert "data" not in answer
    assert expected in answer["errors"][0]["message"]


@pytest.mark.parametrize("name", REQUEST_ERRORS)
def test_a_request_error_is_a_200_with_application_json(http: TestClient, name: str) -> None:
    body, expected = REQUEST_ERRORS[name]
    response = post(http, body, "application/json")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["data"] is None
    assert expected in answer["errors"][0]["message"]


def test_a_field_error_is_a_200_with_data(http: TestClient) -> None:
    """An unknown party is an error of execution: the request was fine."""
    response = post(http, {"query": '{ party(id: "nobody") { id } }'}, GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] == {"party": None}
    assert "nobody" in answer["errors"][0]["message"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
def test_a_body_that_is_not_json_is_a_400(http: TestClient, accept: str) -> None:
    response = http.post(
        "/graphql",
        content=b'{"query": ',
        headers={"content-type": "application/json", "accept": accept},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    assert "not valid JSON" in response.json()["errors"][0]["message"]


def test_a_post_without_json_is_a_415(http: TestClient) -> None:
    response = http.post(
        "/graphql", content=b"query=%7Bdataset%7Bname%7D%7D", headers={"accept": "*/*"}
    )
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json()["errors"][0]["message"]


# --- GET -----------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
def test_a_query_over_get_is_answered(http: TestClient, accept: str) -> None:
    response = http.get(
        "/graphql", params={"query": "{ dataset { name } }"}, headers={"accept": accept}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
def test_a_mutation_over_get_is_a_405(http: TestClient, accept: str) -> None:
    response = http.get(
        "/graphql",
        params={"query": 'mutation { proposeChangeSet(id: "x") { id } }'},
        headers={"accept": accept},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.json()["errors"][0]["message"]


def test_a_query_over_get_naming_a_mutation_is_a_405(http: TestClient) -> None:
    document = '{ dataset { name } } mutation M { proposeChangeSet(id: "x") { id } }'
    response = http.get(
        "/graphql",
        params={"query": document, "operationName": "M"},
        headers={"accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 405
