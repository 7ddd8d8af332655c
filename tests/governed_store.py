"""A SQLite store holding a dataset, the governance service on it, and the real server on
it, for the tests of changing the graph: what the CLI does as the store's operator, done in
a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from accountgraph.dataset import load_dataset
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.model import Dataset
from accountgraph.store.sqlite import SqliteStore, load_into_sqlite
from tests.server import running_server

T = TypeVar("T")


def sqlite_holding(path: Path, dataset: Dataset | None = None) -> str:
    """The ``sqlite:///`` URL of a new file at ``path`` holding ``dataset`` (WIPO's)."""
    url = f"sqlite:///{path}"
    load_into_sqlite(url, dataset or load_dataset())
    return url


def governing(spec: str, work: Callable[[Governance, SqliteStore], Awaitable[T]]) -> T:
    """``work`` done with the service on the store at ``spec``, closed after; in a thread
    of its own, so that it runs whether or not this thread has an event loop running
    (Playwright's does)."""

    async def go() -> T:
        store = SqliteStore(spec)
        try:
            return await asyncio.wait_for(work(Governance(store), store), 120)
        finally:
            await store.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


def make_tokens(spec: str, people: Mapping[str, Role]) -> dict[str, str]:
    """A token for each person, made as ``accountgraph token create`` makes them."""

    async def make(governance: Governance, store: SqliteStore) -> dict[str, str]:
        return {
            name: await governance.create_token(None, name, role) for name, role in people.items()
        }

    return governing(spec, make)


def revoke(spec: str, name: str) -> None:
    """Revoke ``name``'s token as ``accountgraph token revoke`` does."""

    async def run(governance: Governance, store: SqliteStore) -> None:
        await governance.revoke_token(None, name)

    governing(spec, run)


@dataclass(frozen=True)
class GovernedServer:
    """The server, its store's URL and a token for each person."""

    base: str
    store: str
    tokens: dict[str, str]


@contextlib.contextmanager
def running_governed_server(folder: Path, people: Mapping[str, Role]) -> Iterator[GovernedServer]:
    """``accountgraph serve`` on a new SQLite store of WIPO's graph in ``folder`` (its log
    there too), with a token for each of ``people``; stopped on exit."""
    url = sqlite_holding(folder / "graph.db")
    tokens = make_tokens(url, people)
    with running_server("--store", url, log=folder / "server.log") as base:
        yield GovernedServer(base, url, tokens)
