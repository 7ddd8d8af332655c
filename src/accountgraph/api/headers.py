"""The security headers every response carries, set in one place.

Pages (``text/html``) get :data:`~accountgraph.web.CONTENT_SECURITY_POLICY`: the server's
own scripts, styles and images only. Everything else (JSON, scripts, exports, errors)
gets :data:`STRICT_POLICY`, which lets a response that is opened as a document do
nothing at all. Neither may be framed, and no response is sniffed into another type.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accountgraph.web import CONTENT_SECURITY_POLICY

STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The Content-Security-Policy of every response that is not a page."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
"""Sent with every response, whatever its type."""


def content_security_policy(content_type: str) -> str:
    """The policy for a response of ``content_type``."""
    return CONTENT_SECURITY_POLICY if content_type.startswith("text/html") else STRICT_POLICY


class SecurityHeadersMiddleware:
    """Sets :data:`SECURITY_HEADERS` and the Content-Security-Policy on every HTTP response,
    replacing any a route set, so that the policy is decided here only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["Content-Security-Policy"] = content_security_policy(
                    headers.get("content-type", "")
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
