"""The small interface a graph database server offers the Cypher store.

A backend runs one parameterised Cypher statement and returns plain rows (dicts of
strings, numbers, booleans, lists and nulls — never driver graph objects), or runs a
sequence of statements as atomically as its server can. It turns every way the server
can fail (unreachable, refused credentials, time-out, server error) into
:class:`~accountgraph.errors.StoreUnavailableError` naming the redacted URL — a
:class:`StoreTimeoutError` when the server did not answer in time, a
:class:`UniqueConstraintError` when a write broke a unique constraint — and never waits
longer than its ``timeout`` for one answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from accountgraph.errors import StoreUnavailableError

_WRITE_CLAUSE = re.compile(
    r"\b(?:CREATE|MERGE|SET|DELETE|REMOVE|DROP|FOREACH|LOAD\s+CSV|CALL)\b", re.IGNORECASE
)


@functools.lru_cache(maxsize=512)
def is_read_only(statement: str) -> bool:
    """Whether ``statement`` has no clause that can write (``//`` comment lines aside);
    unsure means it may write. A read-only statement may go to a database's read replica.
    Remembered: the statements are the files of ``cypher/``, asked about on every call."""
    code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("//"))
    return _WRITE_CLAUSE.search(code) is None


Row = dict[str, Any]
Parameters = Mapping[str, Any]
Statement = tuple[str, Parameters]
"""A Cypher text and its parameters."""


class StoreTimeoutError(StoreUnavailableError):
    """The server did not answer one statement within the backend's ``timeout``.

    The statement may still be running on the server and may yet take effect: FalkorDB,
    for one, lets a write it has begun finish whoever stops waiting for it (but runs the
    writes to one graph one after another, so a statement sent next starts after it).
    """


class UniqueConstraintError(StoreUnavailableError):
    """A statement would have made a second node with a value a unique constraint keeps to
    one (a log position, a change set's id): another writer made it first. The server
    wrote nothing of the statement (of the transaction, on Neo4j)."""


class StatementRunner(Protocol):
    """Something that runs one statement: a backend, or one of its transactions."""

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        """Run one statement; its rows as plain dicts."""
        ...


class CypherBackend(Protocol):
    """One connection pool to one graph on one server."""

    name: str
    """``neo4j`` or ``falkordb``: which dialect's schema statements apply."""

    url: str
    """The server's URL without credentials, safe to print."""

    transactional: bool
    """Whether :meth:`run_atomic` and :meth:`transaction` are all-or-nothing across
    statements (Neo4j) or only statement by statement (FalkorDB)."""

    timeout: float
    """Seconds the server has to answer one statement."""

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        """Run one statement; its rows as plain dicts."""
        ...

    async def run_atomic(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """Run statements in order, in one transaction where the server has them."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[StatementRunner]:
        """A runner for statements that take effect together when the block ends, and not
        at all if it raises, where the server has transactions (Neo4j); elsewhere each
        statement takes effect as it runs. Each statement must answer within ``timeout``;
        the block as a whole has no time limit."""
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
