"""The Starlette app: GraphQL at /graphql, health at /health, the web page at /; every
request to the API with its bearer token checked first (:mod:`accountgraph.api.auth`)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from accountgraph.api.auth import BearerAuth, actor_of, renders_console
from accountgraph.api.context import ApiContext
from accountgraph.api.encoded import EncodedAnswers
from accountgraph.api.headers import SecurityHeadersMiddleware
from accountgraph.api.http_errors import error_response
from accountgraph.api.limits import BodySizeLimitMiddleware
from accountgraph.api.media_types import GRAPHQL_RESPONSE_JSON, JSON, OFFERED, negotiate
from accountgraph.api.request_json import RequestJSONError, read_json, read_json_object
from accountgraph.api.schema import INTERNAL_ERROR_CODE, build_schema
from accountgraph.api.slow_clients import BodyDeadlineMiddleware
from accountgraph.dataset import load_dataset
from accountgraph.errors import AccountGraphError, ConfigurationError
from accountgraph.governance.service import Governance
from accountgraph.model import Dataset
from accountgraph.settings import Settings
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from accountgraph.store.urls import redact
from accountgraph.web.routes import CONSOLE_DIR, page_routes
from accountgraph.web.static_files import CompressedStaticFiles

log = logging.getLogger("accountgraph.api")


GZIP_MINIMUM_BYTES = 1024
"""Answers shorter than this go as they are: gzip saves them little and costs a call."""


def gzipped_answers(endpoint: ASGIApp) -> ASGIApp:
    """``endpoint`` with its JSON answers (the console's schema, long chains) gzipped when the
    client accepts it. Its HTML, the console's page, is gzipped and revalidated already by
    :class:`CompressedStaticFiles`."""
    return GZipMiddleware(
        endpoint,
        minimum_size=GZIP_MINIMUM_BYTES,
        compresslevel=6,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "text/html"),
    )


class GraphQLEndpoint(EncodedAnswers, GraphQL[ApiContext, None]):
    """Strawberry's ASGI app, with our store in the context, our console for browsers, and
    request JSON read strictly (:mod:`accountgraph.api.request_json`): whatever a client
    sends, a request strawberry cannot take is a 400 with a GraphQL error, never a 500."""

    def __init__(
        self, schema: BaseSchema, *, console_files: CompressedStaticFiles, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self.console_files = console_files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None and not renders_console(
            request.method, request.headers, request.query_params
        ):
            refusal = error_response(
                406,
                f"the Accept header ({request.headers['accept'][:80]}) accepts no type this "
                f"endpoint answers in: {' or '.join(OFFERED)}",
            )
            await refusal(scope, receive, send)
            return
        request.state.media_type = media_type or JSON
        response: Response
        try:
            response = await self.run(request)
        except HTTPException as refusal:
            headers = {"allow": "POST"} if refusal.status_code == 405 else None
            response = error_response(
                refusal.status_code, refusal.reason, media_type=media_type, headers=headers
            )
        await response(scope, receive, send)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run one operation; a mutation sent with GET is refused with 405, as the GraphQL
        over HTTP specification asks (GET must not change anything)."""
        try:
            result: ExecutionResult = await super().execute_single(*args, **kwargs)
        except HTTPException as refusal:
            if isinstance(refusal.__cause__, InvalidOperationTypeError):
                raise HTTPException(
                    405,
                    "a mutation cannot be sent with GET, which must not change anything: "
                    "send it with POST",
                ) from None
            raise
        return result

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = getattr(request.state, "media_type", JSON)
        request.state.sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The answer's body; with ``application/graphql-response+json``, a request GraphQL
        refused before executing anything answers 400 without ``data``
        (:mod:`accountgraph.api.media_types`), and one an unexpected failure stopped, 500."""
        answer = process_result(result)
        sub_response: Response = request.state.sub_response
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON and isinstance(
            result, PreExecutionError
        ):
            del answer["data"]
            sub_response.status_code = 500 if _internal(result) else 400
        return answer

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        return response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """A POST's operation, from a JSON body; any other body is a 415 naming the type."""
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != JSON:
                given = f"Content-Type {content_type}" if content_type else "no Content-Type"
                raise HTTPException(
                    415, f"a POST to /graphql must send Content-Type: {JSON}, not {given}"
                )
        return await super().parse_http_body(request)

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
        return await self.console_files.page("console.html", request.scope)


def _internal(result: ExecutionResult) -> bool:
    """Whether an unexpected failure, not the request, stopped the operation."""
    return any(
        (error.extensions or {}).get("code") == INTERNAL_ERROR_CODE for error in result.errors or ()
    )


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
    console_files = CompressedStaticFiles(CONSOLE_DIR)
    graphql = GraphQLEndpoint(schema, graphql_ide="graphiql", console_files=console_files)
    app = Starlette(
        routes=[
            *page_routes(console_files),
            Route("/health", health, methods=["GET"]),
            Route("/graphql", gzipped_answers(graphql), methods=["GET", "POST"]),
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
