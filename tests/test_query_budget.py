"""What one request may spend: refused before it runs when it would cost too much, stopped
when it takes too long, replaced by an error when its answer is too large; and the
documents the security probe sent, each answered as it should be."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.api.context import ApiContext
from accountgraph.api.encoded import EncodedData
from accountgraph.api.schema import AccountGraphSchema, build_schema
from accountgraph.dataset import load_dataset
from accountgraph.errors import ConfigurationError
from accountgraph.model import Dataset, Direction, Edge, Relation
from accountgraph.settings import QueryLimits, Settings
from accountgraph.store.base import StoreStats
from accountgraph.store.memory import MemoryStore
from tests.api_client import GraphQLClient
from tests.test_query_cost import doubling

FRAGMENT_BOMB = doubling(23)
"""The probe's 904 bytes: 23 fragments, each spreading the next twice."""

NESTED_EDGES = (
    "{ parties(first: 500) { edges { node { id edges(direction: BOTH) { from { id "
    "edges(direction: BOTH) { from { id edges(direction: BOTH) { from { id "
    "edges(direction: BOTH) { from { id } } } } } } } } } } } }"
)
"""The probe's nested edges: 8.5 MB after 29 s of CPU before there was a budget."""

THIRTY_SEARCHES = (
    "{ "
    + " ".join(
        f'a{i}: paths(fromId: "wipo-personnel", toId: "wipo-member-states", maxDepth: 32, '
        "first: 1000) { explanation nodes { edges(direction: BOTH) { relation from { id } } } }"
        for i in range(30)
    )
    + " }"
)
"""The probe's 30 aliased path searches: 41 s of CPU and 930 MB, never answered."""

COSTLY_AND_QUICK = '{ accountabilityChains(id: "wipo-head-sscs") { length nodes { id name } } }'
"""Costs more than the workers' threshold, answers at once."""


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def gql() -> Iterator[GraphQLClient]:
    with TestClient(create_app(Settings())) as http:
        yield GraphQLClient(http)


def limited(wipo: Dataset, **limits: Any) -> TestClient:
    return TestClient(create_app(Settings(limits=QueryLimits(**limits)), dataset=wipo))


def only_error(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer.get("data") is None, answer
    [error] = answer["errors"]
    assert isinstance(error, dict)
    return error


# --- the probes -----------------------------------------------------------------------


def test_the_fragment_bomb_is_refused_naming_its_cost_and_the_limit(gql: GraphQLClient) -> None:
    assert len(FRAGMENT_BOMB) == 904
    error = only_error(gql.run(FRAGMENT_BOMB))
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 2**23, "limit": 50_000}
    assert "would cost 8,388,608" in error["message"]
    assert "more than the 50,000 allowed (ACCOUNTGRAPH_MAX_QUERY_COST)" in error["message"]


@pytest.mark.parametrize(
    ("document", "cost"), [(NESTED_EDGES, "252,631,501"), (THIRTY_SEARCHES, "82,140,000")]
)
def test_the_probes_valid_queries_are_refused_naming_cost_and_limit(
    gql: GraphQLClient, document: str, cost: str
) -> None:
    error = only_error(gql.run(document))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert f"would cost {cost} " in error["message"]
    assert "the 50,000 allowed" in error["message"]


def test_an_unknown_fragment_gets_the_validation_message(gql: GraphQLClient) -> None:
    error = only_error(gql.run("{ ...Nope }"))
    assert error["message"] == "Unknown fragment 'Nope'."
    assert error["locations"] == [{"line": 1, "column": 6}]


def test_an_empty_selection_is_a_syntax_error_with_its_place(gql: GraphQLClient) -> None:
    error = only_error(gql.run("{ dataset { } }"))
    assert error["message"] == "Syntax Error: Expected Name, found '}'."
    assert error["locations"] == [{"line": 1, "column": 13}]


def test_too_many_fragment_spreads_are_refused(gql: GraphQLClient) -> None:
    spreads = " ".join(["...Name"] * 101)
    error = only_error(gql.run(f"{{ {spreads} }} fragment Name on Query {{ dataset {{ name }} }}"))
    assert error["message"] == (
        "the document has 101 fragment spreads; at most 100 are allowed "
        "(ACCOUNTGRAPH_MAX_FRAGMENT_SPREADS)"
    )
    assert error["extensions"] == {"code": "TOO_MANY_FRAGMENT_SPREADS", "found": 101, "limit": 100}


def test_aliases_are_counted_each_time_their_fragment_is_spread(gql: GraphQLClient) -> None:
    answer = gql.run(doubling(6, "n: dataset { name }"))
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES", "found": 32, "limit": 30}


# --- the cost budget ------------------------------------------------------------------


def test_a_query_within_the_budget_is_answered(wipo: Dataset) -> None:
    with limited(wipo, max_cost=151) as http:
        data = GraphQLClient(http).data("{ parties { edges { node { id } } } }")
    assert len(data["parties"]["edges"]) == len(wipo.parties)


def test_the_budget_is_a_setting(wipo: Dataset) -> None:
    with limited(wipo, max_cost=150) as http:
        answer = GraphQLClient(http).run("{ parties { edges { node { id } } } }")
    error = only_error(answer)
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 151, "limit": 150}


def test_the_cost_counts_the_variables_given(wipo: Dataset) -> None:
    document = "query ($n: Int) { parties(first: $n) { edges { node { id } } } }"
    with limited(wipo, max_cost=100) as http:
        gql = GraphQLClient(http)
        assert len(gql.data(document, {"n": 10})["parties"]["edges"]) == 10
        error = only_error(gql.run(document, {"n": 40}))
    assert error["extensions"]["cost"] == 1 + 40 * 3


class RecordingStore(MemoryStore):
    """The embedded store, noting each listing and edge question it is asked."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        self.asked: list[str] = []

    async def list_parties(self, **options: Any) -> Any:
        self.asked.append("list_parties")
        return await super().list_parties(**options)

    async def edges(
        self,
        party_id: str,
        direction: Direction = Direction.OUT,
        relations: Sequence[Relation] | None = None,
        *,
        as_of: dt.date | None = None,
    ) -> list[Edge]:
        self.asked.append("edges")
        return await super().edges(party_id, direction, relations, as_of=as_of)


def test_a_costly_query_is_refused_before_anything_runs(wipo: Dataset) -> None:
    store = RecordingStore(wipo)
    with TestClient(create_app(Settings(), store=store)) as http:
        gql = GraphQLClient(http)
        only_error(gql.run(NESTED_EDGES))
        assert store.asked == []
        gql.data("{ parties(first: 1) { edges { node { edges { relation } } } } }")
    assert store.asked == ["list_parties", "edges"]


# --- time -----------------------------------------------------------------------------


class StalledStore(MemoryStore):
    """The embedded store, whose ``stats`` waits for ever; it notes being cancelled."""

    cancelled = False

    async def stats(self) -> StoreStats:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            StalledStore.cancelled = True
            raise
        raise AssertionError("unreachable: nobody sets the event")


def test_a_request_over_its_time_budget_is_stopped_and_told(wipo: Dataset) -> None:
    settings = Settings(limits=QueryLimits(timeout=0.2))
    with TestClient(create_app(settings, store=StalledStore(wipo))) as http:
        answer = GraphQLClient(http).run("{ dataset { name } }")
    error = only_error(answer)
    assert error["message"].startswith(
        "the query took longer than its time budget of 0.2 s and was stopped "
        "(ACCOUNTGRAPH_QUERY_TIMEOUT)"
    )
    assert error["extensions"] == {"code": "QUERY_TIMEOUT", "seconds": 0.2}
    assert StalledStore.cancelled


def execute(schema: AccountGraphSchema, store: MemoryStore, document: str) -> Any:
    return asyncio.run(schema.execute(document, context_value=ApiContext(store=store)))


def test_a_worker_over_the_time_budget_is_killed_and_replaced(wipo: Dataset) -> None:
    schema = build_schema(QueryLimits(max_cost=10**12, timeout=3.0))
    store = MemoryStore(wipo)

    async def scenario() -> tuple[Any, set[int], set[int], Any]:
        context = ApiContext(store=store)
        for _ in range(10):  # the first costly queries may wait for the workers to start
            warm = await schema.execute(COSTLY_AND_QUICK, context_value=context)
            if not warm.errors:
                break
        before = set(schema.workers.pids)
        stopped = await schema.execute(NESTED_EDGES, context_value=ApiContext(store=store))
        await schema.workers.settled()
        after = await schema.execute(COSTLY_AND_QUICK, context_value=ApiContext(store=store))
        return stopped, before, set(schema.workers.pids), after

    stopped, before, now, after = asyncio.run(scenario())
    assert [e.extensions["code"] for e in stopped.errors] == ["QUERY_TIMEOUT"]
    assert len(before) == len(now) == 2
    [killed] = before - now
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)
    assert not after.errors
    assert after.data["accountabilityChains"][0]["nodes"][0]["id"] == "wipo-head-sscs"


# --- size -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document", ["{ parties { edges { node { id name } } } }", COSTLY_AND_QUICK]
)
def test_an_answer_over_the_size_limit_is_replaced_by_an_error(
    wipo: Dataset, document: str
) -> None:
    with limited(wipo, max_response_bytes=100) as http:
        error = only_error(GraphQLClient(http).run(document))
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["limit"] == 100
    assert error["extensions"]["bytes"] > 100
    assert "more than the 100 allowed (ACCOUNTGRAPH_MAX_RESPONSE_BYTES)" in error["message"]


# --- where costly queries run ---------------------------------------------------------


def test_a_worker_answers_as_the_event_loop_would(wipo: Dataset) -> None:
    answers = []
    for workers in (2, 0):
        with limited(wipo, workers=workers) as http:
            response = http.post("/graphql", json={"query": COSTLY_AND_QUICK})
            assert response.status_code == 200
            answers.append(response.json())
    assert answers[0] == answers[1]
    assert answers[0]["data"]["accountabilityChains"][0]["length"] == 2


def test_callers_other_than_the_http_endpoint_get_data_decoded(wipo: Dataset) -> None:
    result = execute(build_schema(), MemoryStore(wipo), COSTLY_AND_QUICK)
    assert not result.errors
    assert not isinstance(result.data, EncodedData)
    assert json.dumps(result.data).startswith('{"accountabilityChains": [{"length": 2')


def test_the_document_limits_are_checked_once_per_document(wipo: Dataset) -> None:
    schema = build_schema()
    store = MemoryStore(wipo)
    rule = schema.document_rule
    execute(schema, store, "{ dataset { name } }")
    checked = rule.checked
    execute(schema, store, "{ dataset { name } }")
    assert rule.checked == checked
    execute(schema, store, "{ dataset { parties } }")
    assert rule.checked == checked + 1


# --- settings -------------------------------------------------------------------------


def test_the_limits_are_read_from_the_environment() -> None:
    limits = Settings.from_env(
        {
            "ACCOUNTGRAPH_MAX_QUERY_COST": "1234",
            "ACCOUNTGRAPH_MAX_FRAGMENT_SPREADS": "7",
            "ACCOUNTGRAPH_MAX_RESPONSE_BYTES": "4096",
            "ACCOUNTGRAPH_QUERY_TIMEOUT": "2.5",
            "ACCOUNTGRAPH_QUERY_WORKERS": "0",
        }
    ).limits
    assert (limits.max_cost, limits.max_fragment_spreads, limits.max_response_bytes) == (
        1234,
        7,
        4096,
    )
    assert (limits.timeout, limits.workers) == (2.5, 0)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ACCOUNTGRAPH_MAX_QUERY_COST", "lots", "an integer"),
        ("ACCOUNTGRAPH_QUERY_TIMEOUT", "0", "a number from 0.01 to 3600"),
        ("ACCOUNTGRAPH_QUERY_WORKERS", "-1", "an integer from 0 to 64"),
    ],
)
def test_a_bad_limit_names_its_variable(key: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({key: value})
    assert str(raised.value) == f"{key}={value!r} is not valid: expected {expected}"
