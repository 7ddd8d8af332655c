"""FalkorDB behind :class:`~accountgraph.store.backends.base.CypherBackend`, through its
native asyncio client (``falkordb.asyncio``, over the Redis protocol).

``falkordb://[user:password@]host:port/graph`` names one graph (default ``accountgraph``).
FalkorDB has no multi-statement transactions: each statement is atomic on its own, so
:meth:`FalkorDBBackend.run_atomic` runs statements one by one (``transactional`` is
false).

Every failure — refused connection, time-out, refused credentials, an error the server
returns — becomes :class:`StoreUnavailableError` naming the URL without its password,
within ``timeout`` seconds: the client's sockets time out, the server is asked to stop a
query after ``timeout`` (``GRAPH.QUERY … timeout``), and each call is bounded on our side
too. A connection the server dropped is replaced on the next call, so a store survives
its server restarting.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from falkordb.asyncio import FalkorDB
from falkordb.exceptions import SchemaVersionMismatchException
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from accountgraph.errors import StoreUnavailableError
from accountgraph.store.backends.base import (
    Parameters,
    Row,
    Statement,
    StatementRunner,
    StoreTimeoutError,
    UniqueConstraintError,
    is_read_only,
)
from accountgraph.store.statements import statements
from accountgraph.store.urls import parse_falkordb_url

_INDEX = re.compile(r"CREATE INDEX FOR \(\w+:(\w+)\) ON \(\w+\.(\w+)\)")
_UNIQUE = (
    ("Party", "id"),
    ("ChangeSet", "id"),
    ("LogEntry", "position"),
    ("LogEntry", "hash"),
    ("ApiToken", "hash"),
)
"""Unique constraints, as (label, property); each needs the index the schema file makes."""

_CONSTRAINT_VIOLATION = "unique constraint violation"
"""What the server says of a write that broke a unique constraint (it then wrote nothing)."""

_EMPTY_KEY = "empty key"
"""What the server says when asked about a graph that does not exist yet."""

_FAILURES = (RedisError, OSError, TimeoutError, SchemaVersionMismatchException, ValueError)
"""What the client raises when the server cannot answer (ValueError: a parameter its
header cannot carry)."""


class FalkorDBBackend:
    """One connection pool to one FalkorDB graph. Connects at the first call."""

    name = "falkordb"
    transactional = False

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self._address = parse_falkordb_url(url)
        self.url = self._address.redacted
        self.graph_name = self._address.graph
        self.timeout = timeout
        self._client: Any = None
        self._graph: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Lock | None = None

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._query(statement, parameters)
        except _FAILURES as error:
            raise self._unavailable(error) from None

    async def run_atomic(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """Run each statement in turn; each is atomic, the sequence is not."""
        return [await self.run(text, parameters) for text, parameters in statements]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[StatementRunner]:
        """The backend itself: FalkorDB has no transactions over several statements, so
        each statement takes effect as it runs."""
        yield self

    async def ensure_schema(self) -> list[str]:
        """Create the indexes of ``cypher/schema_falkordb.cypher`` and the unique constraints
        (:data:`_UNIQUE`) that the graph lacks; say which were created.

        The server is asked first what it has (``db.indexes()``, ``db.constraints()``), so
        a load sends no schema command it does not need: the server keeps each creation in
        its append-only file and replays it at every start.
        """
        created: list[str] = []
        try:
            async with asyncio.timeout(self.timeout):
                client = await self._connect()
                indexed = await self._indexed()
                for text in statements("schema_falkordb"):
                    index = _index_of(text)
                    if index in indexed:
                        continue
                    try:
                        await self._query(text, None)
                    except ResponseError as error:
                        if "already indexed" not in str(error):
                            raise
                        continue
                    created.append(_describe(index, text))
                constrained = await self._constrained()
                for label, prop in _UNIQUE:
                    if (label, prop) in constrained:
                        continue
                    try:
                        await client.connection.execute_command(
                            "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE",
                            "NODE", label, "PROPERTIES", "1", prop,
                        )  # fmt: skip
                    except ResponseError as error:
                        if "already exists" not in str(error):
                            raise
                        continue
                    created.append(f"unique constraint on :{label}({prop})")
        except _FAILURES as error:
            raise self._unavailable(error) from None
        return created

    async def _indexed(self) -> set[tuple[str, str]]:
        """The (label, property) pairs of the graph's range indexes on nodes."""
        try:
            result = await self._graph.list_indices()
        except ResponseError as error:
            if _EMPTY_KEY not in str(error):
                raise
            return set()
        names = [column[1] for column in result.header]
        found: set[tuple[str, str]] = set()
        for values in result.result_set:
            index = dict(zip(names, values, strict=True))
            if index["entitytype"] != "NODE":
                continue
            types = index["types"]
            found.update(
                (index["label"], prop)
                for prop in index["properties"]
                if "RANGE" in types.get(prop, ())
            )
        return found

    async def _constrained(self) -> set[tuple[str, str]]:
        """The (label, property) pairs of the graph's unique constraints on one node
        property, whether built yet or still being built."""
        try:
            constraints = await self._graph.list_constraints()
        except ResponseError as error:
            if _EMPTY_KEY not in str(error):
                raise
            return set()
        return {
            (constraint["label"], constraint["properties"][0])
            for constraint in constraints
            if constraint["type"] == "UNIQUE"
            and constraint["entitytype"] == "NODE"
            and len(constraint["properties"]) == 1
        }

    async def ping(self) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                client = await self._connect()
                await client.connection.ping()
        except _FAILURES as error:
            raise self._unavailable(error) from None

    async def close(self) -> None:
        client, loop = self._client, self._loop
        self._client = self._graph = self._loop = self._connecting = None
        if client is None:
            return
        if loop is not _running_loop():
            return  # its loop is gone: the sockets go with it
        try:
            async with asyncio.timeout(self.timeout):
                await client.connection.aclose()
        except _FAILURES:
            return  # the server may be gone: there is nothing left to close

    async def _connect(self) -> Any:
        """The client, made once in this event loop (a client cannot change loops)."""
        loop = _running_loop()
        if self._client is not None and self._loop is loop:
            return self._client
        if self._connecting is None or self._loop is not loop:
            self._client, self._loop, self._connecting = None, loop, asyncio.Lock()
        async with self._connecting:
            if self._client is None:
                self._client = await asyncio.to_thread(self._make_client)
                self._graph = self._client.select_graph(self.graph_name)
        return self._client

    def _make_client(self) -> Any:
        """A new client; run in a thread, since its constructor probes the server with a
        blocking client (is it a cluster?). A ``retry=`` argument would reach that blocking
        client too and break it, so the retry policy is set afterwards: once, at once,
        which replaces a connection the server dropped."""
        address, timeout = self._address, self.timeout
        client = FalkorDB(
            host=address.host,
            port=address.port,
            username=address.username,
            password=address.password,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        client.connection.set_retry(Retry(NoBackoff(), 1, (RedisConnectionError,)))
        return client

    async def _query(self, statement: str, parameters: Parameters | None) -> list[Row]:
        await self._connect()
        arguments = (statement, dict(parameters) if parameters else None)
        timeout = max(1, int(self.timeout * 1000))
        if not is_read_only(statement):
            result = await self._graph.query(*arguments, timeout=timeout)
        else:  # GRAPH.RO_QUERY, which a read replica (replicaof) answers too
            try:
                result = await self._graph.ro_query(*arguments, timeout=timeout)
            except ResponseError as error:
                if _EMPTY_KEY not in str(error):
                    raise
                # no such graph yet: GRAPH.QUERY answers (or refuses) as it always has
                result = await self._graph.query(*arguments, timeout=timeout)
        names = [column[1] for column in result.header]
        return [dict(zip(names, map(_plain, row), strict=True)) for row in result.result_set]

    def _unavailable(self, error: BaseException) -> StoreUnavailableError:
        if isinstance(error, StoreUnavailableError):
            return error
        if isinstance(error, TimeoutError | RedisTimeoutError):
            return StoreTimeoutError(self.url, f"no answer within {self.timeout:g} s")
        if isinstance(error, ResponseError) and _CONSTRAINT_VIOLATION in str(error):
            return UniqueConstraintError(self.url, str(error))
        if _refused(error):
            reason = "cannot reach the server: connection refused"
        else:
            reason = str(error) or type(error).__name__
            if self._address.password:
                reason = reason.replace(self._address.password, "***")
        return StoreUnavailableError(self.url, reason)


def _refused(error: BaseException) -> bool:
    """Whether ``error`` comes of a refused connection (the client words it by platform)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ConnectionRefusedError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _plain(value: Any) -> Any:
    """A result value as plain Python: maps as dicts, lists as lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _index_of(text: str) -> tuple[str, str] | None:
    """The (label, property) a schema statement indexes; ``None`` if it is not a plain
    ``CREATE INDEX FOR (n:Label) ON (n.property)`` (it then runs every time)."""
    match = _INDEX.search(text)
    return (match.group(1), match.group(2)) if match else None


def _describe(index: tuple[str, str] | None, text: str) -> str:
    return text if index is None else f"index on :{index[0]}({index[1]})"
