"""The Starlette app: GraphQL at /graphql, health at /health, the web page at /; every
request to the API with its bearer token checked first (:mod:`accountgraph.api.auth`)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.base import BaseRequestProtocol

from accountgraph.api.auth import BearerAuth, actor_of, renders_console
from accountgraph.api.context import ApiContext
from accountgraph.api.encoded import EncodedAnswers
from accountgraph.api.headers import SecurityHeadersMiddleware
from accountgraph.api.http_errors import error_response
from accountgraph.api.limits import BodySizeLimitMiddleware
from accountgraph.api.request_json import RequestJSONError, read_json, read_json_object
from accountgraph.api.schema import build_schema
from accountgraph.api.slow_clients import BodyDeadlineMiddleware
from accountgraph.dataset import load_dataset
from accountgraph.errors import AccountGraphError, ConfigurationError
from accountgraph.governance.service import Governance
from accountgraph.model import Dataset
from accountgraph.settings import Settings
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from accountgraph.store.urls import redact
from accountgraph.web import WEB_DIR
from accountgraph.web.routes import page_routes

log = logging.getLogger("accountgraph.api")


class GraphQLEndpoint(EncodedAnswers, GraphQL[ApiContext, None]):
    """Strawberry's ASGI app, with our store in the context, our console for browsers, and
    request JSON read strictly (:mod:`accountgraph.api.request_json`): whatever a client
    sends, a request strawberry cannot take is a 400 with a GraphQL error, never a 500."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as refusal:
            response = error_response(refusal.status_code, refusal.reason)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """The request body: an object (an array is a batch, which strawberry refuses)."""
        where = "the request body"
        try:
            body = read_json(data, where)
        except RequestJSONError as error:
            raise HTTPException(400, str(error)) from None
        if not isinstance(body, dict | list):
            raise HTTPException(
                400,
                f'{where} must be a JSON object such as {{"query": "{{ dataset {{ name }} }}"}}, '
                f"not {json.dumps(body)[:40]}",
            )
        return body

    def parse_query_params(self, params: Mapping[str, str | None]) -> dict[str, Any]:
        """A GET's parameters; ``variables`` and ``extensions`` are JSON objects."""
        parsed: dict[str, Any] = dict(params)
        for name in ("variables", "extensions"):
            if parsed.get(name):
                try:
                    parsed[name] = read_json_object(
                        parsed[name], f"the {name} query parameter", null=True
                    )
                except RequestJSONError as error:
                    raise HTTPException(400, str(error)) from None
        return parsed

    async def get_context(self, request: Request | WebSocket, response: Any) -> ApiContext:
        state = request.app.state
        return ApiContext(
            store=state.store, actor=actor_of(request.scope), service=state.governance
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A browser opening ``/graphql?query=…`` (a shared link) gets the console showing
        that query, not JSON; clients that accept anything (curl) get JSON as usual."""
        return renders_console(
            request.method,
            request.headers,  # type: ignore[arg-type]
            request.query_params,  # type: ignore[arg-type]
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        page = (WEB_DIR / "console" / "console.html").read_text(encoding="utf-8")
        return HTMLResponse(page)


def store_label(spec: str) -> str:
    """What /health calls the store: ``memory``, or the URL without its password."""
    return redact(spec)


async def health(request: Request) -> JSONResponse:
    store: GraphStore = request.app.state.store
    label = store_label(request.app.state.settings.store)
    try:
        stats = await store.stats()
    except AccountGraphError as error:
        return JSONResponse(
            {"status": "unavailable", "store": label, "reason": str(error)}, status_code=503
        )
    return JSONResponse(
        {
            "status": "ok",
            "store": label,
            "dataset": stats.dataset,
            "parties": stats.parties,
            "edges": stats.edges,
            "responsibilities": stats.responsibilities,
        }
    )


def create_app(
    settings: Settings | None = None,
    *,
    dataset: Dataset | None = None,
    store: GraphStore | None = None,
) -> Starlette:
    """The whole web application.

    Args:
        settings: server settings; from the environment when omitted.
        dataset: the dataset to serve on the embedded store (else ``settings.data``).
        store: an open store to serve; the app then neither opens nor closes one.
    """
    settings = settings or Settings.from_env()

    def serve_store(app: Starlette, served: GraphStore) -> None:
        governance = Governance(served)
        if settings.read_needs_token and not governance.changeable:
            raise ConfigurationError(
                "ACCOUNTGRAPH_READ_NEEDS_TOKEN",
                "true",
                f"a store that keeps tokens, not {store_label(settings.store)} "
                "(serve --store sqlite:///path/graph.db)",
            )
        app.state.store = served
        app.state.governance = governance

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if store is not None:
            serve_store(app, store)
            yield
            return
        data = dataset
        if data is None and settings.store == "memory":
            data = load_dataset(settings.data, max_bytes=settings.max_dataset_bytes)
        opened = open_store(settings.store, data, timeout=settings.store_timeout)
        try:
            serve_store(app, opened)
            yield
        finally:
            await opened.close()

    schema = build_schema(settings.limits)
    graphql = GraphQLEndpoint(schema, graphql_ide="graphiql")
    app = Starlette(
        routes=[
            *page_routes(),
            Route("/health", health, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *(
                Mount(f"/static/{page}", StaticFiles(directory=WEB_DIR / page))
                for page in ("console", "page")
            ),
        ],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(BodyDeadlineMiddleware, seconds=settings.body_timeout),
            Middleware(BearerAuth, read_needs_token=settings.read_needs_token),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.schema = schema
    return app
