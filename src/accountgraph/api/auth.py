"""Who is asking: the bearer token of each request to the API, checked before anything else.

A request to ``/graphql`` or ``/api/…`` may carry ``Authorization: Bearer <token>``.
:class:`BearerAuth` checks it with the governance service (the one place that knows
tokens) and leaves the :class:`~accountgraph.governance.tokens.Actor` it stands for in
the request's scope, where the GraphQL context picks it up (:func:`actor_of`). A token
that is not one, unknown or revoked is a 401 at once, whatever the request asked; so is
a request without a token when the server is told that reads need one
(``serve --read-needs-token``). A request without a token otherwise reads as anyone may,
and a mutation it sends is refused by the service (``UNAUTHENTICATED``).

A 401 is a JSON body shaped as a GraphQL error, with ``WWW-Authenticate: Bearer``; its
message never repeats the token, and nothing here logs one.

The embedded memory store keeps no tokens and cannot be changed: a token sent to it is
not checked (every mutation there answers ``READ_ONLY_STORE``, naming the store to use).
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from accountgraph.errors import AuthenticationError
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor

ACTOR_KEY = "accountgraph.actor"
"""Where :class:`BearerAuth` leaves the request's actor in the ASGI scope."""

GUARDED_PREFIXES = ("/graphql", "/api/")
"""The paths that read the graph: the page at ``/``, its static files and ``/health``
need no token."""

_SCHEME = "bearer"


def bearer_token(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; ``None`` without the
    header. Any other kind of authorization is refused (without quoting it)."""
    raw = headers.get("authorization")
    if raw is None:
        return None
    scheme, _, token = raw.strip().partition(" ")
    if scheme.lower() != _SCHEME or not token.strip():
        raise AuthenticationError(
            "the Authorization header must be 'Bearer <token>' (an accountgraph token, agt_…)"
        )
    return token.strip()


def renders_console(method: str, headers: Headers, query_params: QueryParams) -> bool:
    """Whether a request to ``/graphql`` is a browser opening the console page (which reads
    nothing: the queries it sends later carry their own token) rather than a query. A
    browser opening ``/graphql?query=…`` (a shared link) gets the console showing that
    query; clients that accept anything (curl) get JSON, unless they ask for no query."""
    if method != "GET":
        return False
    accept = headers.get("accept", "")
    return "text/html" in accept or ("*/*" in accept and query_params.get("query") is None)


def actor_of(scope: Scope) -> Actor | None:
    """The actor :class:`BearerAuth` found for the request (``None``: no token)."""
    actor = scope.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


class BearerAuth:
    """Checks the bearer token of every request to the API (:data:`GUARDED_PREFIXES`).

    Args:
        app: the application behind.
        read_needs_token: refuse requests without a token too (reads included).
    """

    def __init__(self, app: ASGIApp, *, read_needs_token: bool = False) -> None:
        self.app = app
        self.read_needs_token = read_needs_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(GUARDED_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        governance: Governance | None = getattr(scope["app"].state, "governance", None)
        try:
            token = bearer_token(headers)
            actor = None
            if governance is not None and governance.changeable:
                actor = await governance.authenticate(token)
            if actor is None and self.read_needs_token and not self._console(scope, headers):
                raise AuthenticationError(
                    "this server answers only requests with a token: send "
                    "Authorization: Bearer <token> (ask an admin for one: "
                    "accountgraph token create --name NAME --role reader)"
                )
        except AuthenticationError as refused:
            await send_unauthorized(send, str(refused), token_given="authorization" in headers)
            return
        scope[ACTOR_KEY] = actor
        await self.app(scope, receive, send)

    @staticmethod
    def _console(scope: Scope, headers: Headers) -> bool:
        if scope["path"] != "/graphql":
            return False
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        return renders_console(scope["method"], headers, query)


async def send_unauthorized(send: Send, message: str, *, token_given: bool) -> None:
    """A 401 shaped as a GraphQL error (``extensions.code`` ``UNAUTHENTICATED``), with the
    ``WWW-Authenticate`` challenge RFC 6750 asks for."""
    body = json.dumps(
        {"errors": [{"message": message, "extensions": {"code": AuthenticationError.code}}]},
        ensure_ascii=False,
    ).encode("utf-8")
    challenge = 'Bearer realm="accountgraph"'
    if token_given:
        challenge += ', error="invalid_token"'
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"www-authenticate", challenge.encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
