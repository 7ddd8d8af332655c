"""Answers a worker process computed leave the server as the JSON text they arrived in.

A costly operation's answer can run to megabytes; decoding it on the event loop and
encoding it again would hold the loop for tens of milliseconds, which is what sending the
operation to a worker (:mod:`accountgraph.api.workers`) avoids. The HTTP endpoint
(with :class:`EncodedAnswers` among its bases) declares that it can send such text as it
is; only then
is an answer's ``data`` left encoded (:class:`EncodedData`). Any other caller of the
schema (the CLI's ``query``, tests) gets ``data`` decoded, as usual.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strawberry.asgi import GraphQL

    from accountgraph.api.context import ApiContext

    _View = GraphQL[ApiContext, None]
else:
    _View = object

SENDS_ENCODED: ContextVar[bool] = ContextVar("accountgraph_sends_encoded", default=False)
"""Whether the code running the operation sends :class:`EncodedData` as it is."""


class EncodedData(dict[str, Any]):
    """An answer's ``data`` still as JSON text (``text``); the mapping itself is empty and
    must not be read. Made only while :data:`SENDS_ENCODED` is true."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def decoded_or_encoded(text: str) -> dict[str, Any]:
    """``data`` from its JSON text: left as text when the caller sends it as it is."""
    if SENDS_ENCODED.get():
        return EncodedData(text)
    data: dict[str, Any] = json.loads(text)
    return data


class EncodedAnswers(_View):
    """For strawberry's GraphQL view, before it among the bases: answers whose data is
    still JSON text are sent as that text."""

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        token = SENDS_ENCODED.set(True)
        try:
            return await super().execute_operation(*args, **kwargs)
        finally:
            SENDS_ENCODED.reset(token)

    def encode_json(self, data: object) -> str | bytes:
        answer = data.get("data") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(answer, EncodedData):
            rest = {key: value for key, value in data.items() if key != "data"}
            tail = "," + json.dumps(rest, separators=(",", ":"))[1:] if rest else "}"
            return '{"data":' + answer.text + tail
        encoded: str | bytes = super().encode_json(data)
        return encoded
