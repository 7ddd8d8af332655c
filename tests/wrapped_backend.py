"""A real FalkorDB backend wrapped, so a test can watch or break the statements it runs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from accountgraph._resources import data_dir
from accountgraph.store.backends.base import Parameters, Row, Statement, StatementRunner
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.statements import statement

_STATEMENT_NAMES = {statement(path.stem): path.stem for path in data_dir("cypher").glob("*.cypher")}


def statement_name(text: str) -> str:
    """The name of the ``cypher/`` file whose statement ``text`` is; ``other`` for none."""
    return _STATEMENT_NAMES.get(text, "other")


class WrappedFalkorDBBackend:
    """Runs every statement on a real FalkorDB backend; subclasses override :meth:`run`,
    through which every statement passes, atomic batches and transactions included."""

    name = "falkordb"
    transactional = False

    def __init__(self, url: str, timeout: float) -> None:
        self._server = FalkorDBBackend(url, timeout=timeout)
        self.url = self._server.url
        self.timeout = timeout

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        return await self._server.run(text, parameters)

    async def run_atomic(self, statements: Sequence[Statement]) -> list[list[Row]]:
        return [await self.run(text, parameters) for text, parameters in statements]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[StatementRunner]:
        yield self

    async def ensure_schema(self) -> list[str]:
        return await self._server.ensure_schema()

    async def ping(self) -> None:
        await self._server.ping()

    async def close(self) -> None:
        await self._server.close()
