"""Stores: where a dataset's graph lives and how it is queried."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accountgraph.errors import AccountGraphError, StoreUnavailableError
from accountgraph.model import Dataset
from accountgraph.store.base import GraphStore, PartyPage, StoreStats
from accountgraph.store.urls import (
    ACCEPTED_FORMS,
    FALKORDB_SCHEMES,
    NEO4J_SCHEMES,
    SQLITE_SCHEMES,
    redact,
    scheme_of,
)

if TYPE_CHECKING:
    from accountgraph.store.backends.base import CypherBackend

__all__ = ["GraphStore", "PartyPage", "StoreStats", "open_backend", "open_store"]

DEFAULT_TIMEOUT = 5.0
"""Seconds a graph database server has to answer before a store gives up."""


def open_store(
    spec: str, dataset: Dataset | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> GraphStore:
    """The store ``spec`` names.

    ``"memory"`` is the embedded store and needs the dataset to hold; ``sqlite:///path``
    the durable embedded store, whose file holds its dataset (``accountgraph load``) and
    the changes made to it since. A graph database URL
    (``falkordb://…``, ``neo4j://…``, ``neo4j+s://…``, ``bolt://…``, ``bolt+s://…``) is a
    Cypher store on that server, which must already hold a dataset (``accountgraph
    load``); given ``dataset``, the store checks that the graph holds that one. Nothing
    connects until the first question; the server then has ``timeout`` seconds to answer.
    """
    if spec == "memory":
        if dataset is None:
            raise AccountGraphError("the memory store needs a dataset to hold")
        from accountgraph.store.memory import MemoryStore  # networkx loads only when needed

        return MemoryStore(dataset)
    if scheme_of(spec) in SQLITE_SCHEMES:
        from accountgraph.store.sqlite import SqliteStore

        return SqliteStore(spec)
    from accountgraph.store.cypher import CypherStore

    backend = open_backend(spec, timeout=timeout)
    return CypherStore(backend, dataset_name=None if dataset is None else dataset.name)


def open_backend(spec: str, *, timeout: float = DEFAULT_TIMEOUT) -> CypherBackend:
    """The graph database server a URL names, behind the backend interface; its driver is
    imported only now, so the embedded store never loads one."""
    scheme = scheme_of(spec)
    try:
        if scheme in FALKORDB_SCHEMES:
            from accountgraph.store.backends.falkordb import FalkorDBBackend

            return FalkorDBBackend(spec, timeout=timeout)
        if scheme in NEO4J_SCHEMES:
            from accountgraph.store.backends.neo4j import Neo4jBackend

            return Neo4jBackend(spec, timeout=timeout)
    except ImportError as error:
        package = (error.name or "its driver").split(".")[0]
        raise StoreUnavailableError(
            redact(spec), f"its driver is not installed: pip install {package}"
        ) from None
    raise StoreUnavailableError(
        redact(spec), f"unknown store {redact(spec)!r}; expected {ACCEPTED_FORMS}"
    )
