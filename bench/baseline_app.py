"""The baseline the GraphQL layer is measured against: bare Starlette and graphql-core.

A graphql-core schema built from SDL with plain resolvers, answering the accountability
chain query from the same :class:`~accountgraph.store.memory.MemoryStore` the API serves,
with the same JSON answer. Nothing else: no limits, no caches, no extensions, no
middleware; every request is parsed, validated and executed anew, as graphql-core's
``graphql()`` does. ``bench/http_api.py`` serves it with uvicorn as ``accountgraph serve``
is served, and checks once that both answer alike.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from graphql import GraphQLResolveInfo, build_schema, graphql
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accountgraph.model import Edge, Party, Path
from accountgraph.store.memory import MemoryStore

SDL = """
type Query {
  accountabilityChains(id: ID!, maxDepth: Int = 16, first: Int = 100): [Path!]!
}
type Path { length: Int!  nodes: [Party!]!  edges: [Edge!]! }
type Party { id: ID!  name(lang: String = "en"): String! }
type Edge { relation: String!  source: Citation! }
type Citation { section: String! }
"""


async def _chains(
    _root: object, info: GraphQLResolveInfo[MemoryStore], id: str, maxDepth: int, first: int
) -> list[Path]:
    store = info.context
    return await store.accountability_chains(
        id, max_depth=maxDepth, max_paths=first, as_of=dt.date.today()
    )


async def _nodes(path: Path, info: GraphQLResolveInfo[MemoryStore]) -> list[Party | None]:
    store = info.context
    return await store.get_parties(path.nodes, as_of=dt.date.today())


def _name(party: Party, _info: GraphQLResolveInfo[MemoryStore], lang: str) -> str | None:
    return party.name.get(lang)


def _relation(edge: Edge, _info: GraphQLResolveInfo[MemoryStore]) -> str:
    return edge.relation.value


def _citation(edge: Edge, _info: GraphQLResolveInfo[MemoryStore]) -> Any:
    return edge.citation


def baseline_schema() -> Any:
    """The SDL schema with its resolvers attached."""
    schema = build_schema(SDL)
    schema.query_type.fields["accountabilityChains"].resolve = _chains  # type: ignore[union-attr]
    schema.get_type("Path").fields["nodes"].resolve = _nodes  # type: ignore[union-attr]
    schema.get_type("Party").fields["name"].resolve = _name  # type: ignore[union-attr]
    edge = schema.get_type("Edge")
    edge.fields["relation"].resolve = _relation  # type: ignore[union-attr]
    edge.fields["source"].resolve = _citation  # type: ignore[union-attr]
    return schema


def baseline_app(store: MemoryStore) -> Starlette:
    """POST /graphql with ``{"query", "variables"}``; the answer as graphql-core formats it."""
    schema = baseline_schema()

    async def endpoint(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        result = await graphql(
            schema,
            body["query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
            context_value=store,
        )
        return JSONResponse(result.formatted)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )
