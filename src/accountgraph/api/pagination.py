"""Relay-style pages of parties: opaque cursors, ``edges { cursor node }`` and ``pageInfo``."""

from __future__ import annotations

import base64
import binascii

import strawberry

from accountgraph.api.types import Party
from accountgraph.errors import QueryLimitError

_PREFIX = "party:"


def encode_cursor(party_id: str) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{party_id}".encode()).decode("ascii")


def decode_cursor(cursor: str) -> str:
    """The party id a cursor stands for; a cursor this API did not make is refused."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX):
        raise QueryLimitError("after", cursor, "a cursor from pageInfo.endCursor or edges.cursor")
    return text[len(_PREFIX) :]


@strawberry.type(description="Where a page sits among all the pages.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more parties follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether parties come before this page (it was asked for with `after`)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first party here.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last party here: pass it as `after` for the next page."
    )


@strawberry.type(description="A party on a page, with the cursor that points at it.")
class PartyEdge:
    cursor: str = strawberry.field(description="Opaque position of this party in the listing.")
    node: Party = strawberry.field(description="The party.")


@strawberry.type(description="One page of parties, in id order.")
class PartyConnection:
    edges: list[PartyEdge] = strawberry.field(description="The parties of this page.")
    page_info: PageInfo = strawberry.field(description="How to ask for the next page.")
    total_count: int = strawberry.field(description="How many parties match, over all pages.")
