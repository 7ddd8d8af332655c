"""Slow clients are dropped, so that a few of them cannot hold the server's connections.

Two deadlines, both counted from the start of what they bound:

- the request's head (request line and headers) must arrive within ``head_timeout``
  seconds of the connection opening, or of the previous response on a kept-alive
  connection; else the connection is closed. uvicorn has no such timeout of its own:
  :func:`h11_protocol` adds it to uvicorn's h11 protocol.
- its body must arrive within ``seconds`` of the request starting;
  :class:`BodyDeadlineMiddleware` otherwise answers 408 and closes the connection.

Idle kept-alive connections are closed by uvicorn's own ``timeout_keep_alive``, and a
head larger than h11's incomplete-event limit (16 KiB) is refused with 400 by uvicorn.
"""

from __future__ import annotations

import asyncio

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from accountgraph.api.http_errors import send_error


class BodyDeadlineMiddleware:
    """Answer 408 (and close the connection) when a request's body has not arrived whole
    ``seconds`` after the request started."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        body_complete = False
        response_started = False

        async def receive_in_time() -> Message:
            nonlocal body_complete
            if body_complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_complete = True
            return message

        async def send_watched(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive_in_time, send_watched)
        except _BodyTooSlow:
            if not response_started:
                await send_error(
                    send,
                    408,
                    f"the request body did not arrive within {self.seconds:g} seconds of the "
                    "request; send it whole at once, or raise ACCOUNTGRAPH_BODY_TIMEOUT",
                    close_connection=True,
                )


class _BodyTooSlow(Exception):
    pass


def h11_protocol(head_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request head has not arrived
    ``head_timeout`` seconds after the connection opened or the last response ended.
    Give it to uvicorn as ``http=``."""

    class HeadDeadlineH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_head_timer()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._stop_head_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self._start_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_head_timer()
            super().connection_lost(exc)

        def _start_head_timer(self) -> None:
            self._stop_head_timer()
            self._head_timer = self.loop.call_later(head_timeout, self._head_too_slow)

        def _stop_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeadDeadlineH11Protocol
