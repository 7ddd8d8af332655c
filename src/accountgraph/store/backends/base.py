"""The small interface a graph database server offers the Cypher store.

A backend runs one parameterised Cypher statement and returns plain rows (dicts of
strings, numbers, booleans, lists and nulls — never driver graph objects), or runs a
sequence of statements as atomically as its server can. It turns every way the server
can fail (unreachable, refused credentials, time-out, server error) into
:class:`~accountgraph.errors.StoreUnavailableError` naming the redacted URL, and never
waits longer than its ``timeout``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

Row = dict[str, Any]
Parameters = Mapping[str, Any]
Statement = tuple[str, Parameters]
"""A Cypher text and its parameters."""


class CypherBackend(Protocol):
    """One connection pool to one graph on one server."""

    name: str
    """``neo4j`` or ``falkordb``: which dialect's schema statements apply."""

    url: str
    """The server's URL without credentials, safe to print."""

    transactional: bool
    """Whether :meth:`run_atomic` is all-or-nothing across statements (Neo4j) or only
    statement by statement (FalkorDB)."""

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        """Run one statement; its rows as plain dicts."""
        ...

    async def run_atomic(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """Run statements in order, in one transaction where the server has them."""
        ...

    async def ensure_schema(self) -> list[str]:
        """Create the constraints and indexes the store relies on; say what was created."""
        ...

    async def ping(self) -> None:
        """Return when the server answers; raise StoreUnavailableError otherwise."""
        ...

    async def close(self) -> None:
        """Close the pool. Closing twice is harmless."""
        ...
