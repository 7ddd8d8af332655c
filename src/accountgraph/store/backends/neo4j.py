"""A :class:`CypherBackend` over Bolt, with the official ``neo4j`` driver's async API.

It speaks to Neo4j (``neo4j://`` and ``neo4j+s://`` route across a cluster, ``bolt://``
and ``bolt+s://`` talk to one server) and to anything else that speaks Bolt, such as
FalkorDB's experimental Bolt listener. Credentials come from the arguments, else from the
URL's user part, else from ``NEO4J_USER`` and ``NEO4J_PASSWORD``; the database from the
argument, else ``NEO4J_DATABASE``, else the server's default. The ``url`` attribute,
reprs and error messages never show a password.

Every statement runs in an explicit transaction (reads in read mode, so a cluster can
route them to a follower), through one driver-wide bookmark manager so that a read sees
the writes made before it. A call never lasts longer than ``timeout`` seconds: the
driver's connection and pool timeouts are set to it and :func:`asyncio.wait_for` bounds
the whole call. Failures the driver calls retryable (a lost connection, a leader
switch, a deadlock) are retried within that time; every failure ends as
:class:`~accountgraph.errors.StoreUnavailableError` with a reason a person can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import neo4j
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from accountgraph.errors import ConfigurationError, StoreUnavailableError
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
from accountgraph.store.urls import redact

T = TypeVar("T")

SCHEMES = ("neo4j", "neo4j+s", "bolt", "bolt+s")
"""The URL schemes accepted: routing (``neo4j``) or direct (``bolt``), ``+s`` for TLS."""

POOL_SIZE = 16
"""Most connections the driver keeps open to one server."""

SCHEMA = "schema_neo4j"
"""``cypher/schema_neo4j.cypher``: Neo4j's constraints and indexes."""

_EXPECTED_SCHEMES = "neo4j://, neo4j+s://, bolt:// or bolt+s://"
_UNKNOWN_ERROR = "Neo.DatabaseError.General.UnknownError"
_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
_FIRST_RETRY_DELAY = 0.05
_MAX_RETRY_DELAY = 1.0

# The driver logs each failed attempt (a dead neo4j:// port: "Unable to retrieve routing
# information", six times) before the error this module turns into one message; with no
# handler of the application's own, Python would print them all on standard error.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _environment(name: str) -> str | None:
    return os.environ.get(name) or None


def _one_line(text: str) -> str:
    return " ".join(text.split())


class Neo4jBackend:
    """One driver (one connection pool) to one Neo4j database, or to a Bolt server."""

    name = "neo4j"
    transactional = True

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.url = redact(url)
        if not timeout > 0:
            raise ConfigurationError("timeout", str(timeout), "a number of seconds above 0")
        self.timeout = float(timeout)
        self._driver_url, url_user, url_password = self._parse(url)
        self.user = user or url_user or _environment("NEO4J_USER")
        self._password = password or url_password or _environment("NEO4J_PASSWORD")
        if self._password is not None and self.user is None:
            self.user = "neo4j"
        self.database = database or _environment("NEO4J_DATABASE")
        self._driver: neo4j.AsyncDriver | None = None
        self._driver_loop: asyncio.AbstractEventLoop | None = None
        self._bookmarks: neo4j.api.AsyncBookmarkManager | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"Neo4jBackend({self.url!r}, user={self.user!r}, database={self.database!r})"

    def _parse(self, url: str) -> tuple[str, str | None, str | None]:
        """The URL to give the driver (no user part), and the URL's user and password."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            # The message may quote the URL (a password taken for a port): never shown.
            what = "a port that is not a number from 0 to 65535" if "Port" in str(exc) else ""
            raise StoreUnavailableError(
                self.url,
                f"not a valid URL: {what or 'an IPv6 host without its closing bracket'} "
                "(a password must percent-encode '/', '@', ':', '[' and ']')",
            ) from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            found = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
            raise StoreUnavailableError(
                self.url, f"the URL has {found}; expected {_EXPECTED_SCHEMES}"
            )
        if not parts.hostname:
            raise StoreUnavailableError(self.url, "the URL names no host")
        if scheme.startswith("bolt") and parts.query:
            raise StoreUnavailableError(
                self.url, f"{scheme}:// takes no query string (routing context is for neo4j://)"
            )
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        driver_url = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + parts.path
        if parts.query:
            driver_url += f"?{parts.query}"
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        return driver_url, user, password

    # --- CypherBackend ------------------------------------------------------------------

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        values = dict(parameters or {})

        async def work(tx: neo4j.AsyncTransaction) -> list[Row]:
            result = await tx.run(statement, values)
            return await result.data()

        return await self._call(
            lambda: self._transaction(work, write=not is_read_only(statement)), retry=True
        )

    async def run_atomic(self, statements: Sequence[Statement]) -> list[list[Row]]:
        batch = [(text, dict(parameters)) for text, parameters in statements]
        if not batch:
            return []

        async def work(tx: neo4j.AsyncTransaction) -> list[list[Row]]:
            answers: list[list[Row]] = []
            for text, values in batch:
                result = await tx.run(text, values)
                answers.append(await result.data())
            return answers

        return await self._call(lambda: self._transaction(work, write=True), retry=True)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[StatementRunner]:
        """One write transaction, committed when the block ends and rolled back when it
        raises. Each statement and the commit must answer within ``timeout``; the
        transaction has no time limit of its own (a load of many batches takes longer
        than one answer). Nothing is retried: a failure ends the transaction."""
        if self._closed:
            raise StoreUnavailableError(self.url, "the connection pool is closed")
        session = self._current_driver().session(
            database=self.database,
            default_access_mode=neo4j.WRITE_ACCESS,
            bookmark_manager=self._bookmarks,
            fetch_size=-1,
        )
        try:
            tx = await self._answer(session.begin_transaction())
            try:
                yield _Transaction(self, tx)
            except BaseException:
                await self._abandon(tx.close())
                raise
            await self._answer(tx.commit())
        finally:
            await self._abandon(session.close())

    async def _answer(self, call: Awaitable[T]) -> T:
        """``call``'s answer within ``timeout``; any failure as StoreUnavailableError."""
        try:
            return await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            raise StoreTimeoutError(self.url, f"no answer within {self.timeout:g} s") from None
        except (Neo4jError, DriverError) as exc:
            raise self._failure(exc) from exc
        except OSError as exc:
            raise StoreUnavailableError(self.url, f"network error: {exc}") from exc

    def _failure(self, exc: Neo4jError | DriverError) -> StoreUnavailableError:
        if isinstance(exc, Neo4jError) and exc.code == _CONSTRAINT_FAILED:
            return UniqueConstraintError(self.url, self._reason(exc))
        return StoreUnavailableError(self.url, self._reason(exc))

    async def _abandon(self, call: Awaitable[object]) -> None:
        """Wait up to ``timeout`` for ``call`` (a rollback, a close); its failure changes
        nothing, since the work is abandoned either way."""
        with contextlib.suppress(TimeoutError, Neo4jError, DriverError, OSError):
            await asyncio.wait_for(call, self.timeout)

    async def ensure_schema(self) -> list[str]:
        schema = list(statements(SCHEMA))
        for statement in schema:
            await self.run(statement)
        return schema

    async def ping(self) -> None:
        await self._call(self._verify_connectivity, retry=False)

    async def close(self) -> None:
        self._closed = True
        driver, self._driver, self._driver_loop = self._driver, None, None
        if driver is None:
            return
        # The pool is abandoned either way: a goodbye that fails changes nothing.
        with contextlib.suppress(TimeoutError, Neo4jError, DriverError, OSError):
            await asyncio.wait_for(driver.close(), self.timeout)

    # --- how every call runs ------------------------------------------------------------

    def _current_driver(self) -> neo4j.AsyncDriver:
        """The driver of the running event loop: an async driver belongs to one loop, so a
        call from another loop (each ``asyncio.run``) gets a new one."""
        loop = asyncio.get_running_loop()
        if self._driver is None or self._driver_loop is not loop:
            from accountgraph import __version__

            auth = (self.user, self._password or "") if self.user else None
            self._bookmarks = neo4j.AsyncGraphDatabase.bookmark_manager()
            self._driver = neo4j.AsyncGraphDatabase.driver(
                self._driver_url,
                auth=auth,
                max_connection_pool_size=POOL_SIZE,
                connection_timeout=self.timeout,
                connection_acquisition_timeout=self.timeout,
                user_agent=f"accountgraph/{__version__}",
                telemetry_disabled=True,
            )
            self._driver_loop = loop
        return self._driver

    async def _transaction(
        self, work: Callable[[neo4j.AsyncTransaction], Awaitable[T]], *, write: bool
    ) -> T:
        """``work`` in one explicit transaction: committed when it returns, rolled back
        when it raises."""
        session = self._current_driver().session(
            database=self.database,
            default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
            bookmark_manager=self._bookmarks,
            fetch_size=-1,
        )
        async with session, await session.begin_transaction(timeout=self.timeout) as tx:
            answer = await work(tx)
            await tx.commit()
        return answer

    async def _verify_connectivity(self) -> None:
        driver = self._current_driver()
        if self.database is None:
            await driver.verify_connectivity()
        else:
            await driver.verify_connectivity(database=self.database)

    async def _call(self, attempt: Callable[[], Awaitable[T]], *, retry: bool) -> T:
        """Run ``attempt`` within ``timeout`` seconds, again while it fails in a way the
        driver calls retryable and time is left; any failure as StoreUnavailableError."""
        if self._closed:
            raise StoreUnavailableError(self.url, "the connection pool is closed")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        delay = _FIRST_RETRY_DELAY
        last: Neo4jError | DriverError | None = None
        while True:
            try:
                return await asyncio.wait_for(attempt(), deadline - loop.time())
            except TimeoutError:
                reason = f"no answer within {self.timeout:g} s"
                if last is not None:
                    reason += f"; before that: {self._reason(last)}"
                raise StoreTimeoutError(self.url, reason) from None
            except (Neo4jError, DriverError) as exc:
                if not (retry and exc.is_retryable()) or loop.time() + delay >= deadline:
                    raise self._failure(exc) from exc
                last = exc
            except OSError as exc:
                raise StoreUnavailableError(self.url, f"network error: {exc}") from exc
            await asyncio.sleep(delay)
            delay = min(2 * delay, _MAX_RETRY_DELAY)

    def _reason(self, exc: Neo4jError | DriverError) -> str:
        """Why the store is unavailable, in words; never a password (the driver knows the
        URL only without its user part, and credentials never enter its messages)."""
        if isinstance(exc, AuthError) or (
            isinstance(exc, Neo4jError) and (exc.code or "").endswith(".Security.Unauthorized")
        ):
            if self.user is None:
                return "authentication failed: no credentials given (NEO4J_USER, NEO4J_PASSWORD)"
            return f"authentication failed for user {self.user!r}"
        if isinstance(exc, Neo4jError):
            code = exc.code or "no code"
            message = _one_line(exc.message or "") or "no message"
            if code == _UNKNOWN_ERROR:
                return (
                    f"the server failed without saying why ({code}: {message}); FalkorDB's Bolt "
                    "listener answers so to every failure: bad or unsupported Cypher, a runtime "
                    "error, refused credentials"
                )
            return f"the server answered {code}: {message}"
        if isinstance(exc, ConnectionAcquisitionTimeoutError):
            return f"no pooled connection came free within {self.timeout:g} s"
        if isinstance(exc, SessionExpired):
            return f"the connection was lost or no server can take the work: {_one_line(str(exc))}"
        if isinstance(exc, ServiceUnavailable):
            if _caused_by(exc, ConnectionRefusedError):
                return "cannot reach the server: connection refused"
            return f"cannot reach the server: {_one_line(str(exc))}"
        return f"{type(exc).__name__}: {_one_line(str(exc))}"


class _Transaction:
    """The statements of one open transaction of a :class:`Neo4jBackend`."""

    def __init__(self, backend: Neo4jBackend, tx: neo4j.AsyncTransaction) -> None:
        self._backend = backend
        self._tx = tx

    async def run(self, statement: str, parameters: Parameters | None = None) -> list[Row]:
        values = dict(parameters or {})

        async def work() -> list[Row]:
            result = await self._tx.run(statement, values)
            return await result.data()

        return await self._backend._answer(work())


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
