"""Relay-style pages, of parties and of change sets: opaque cursors,
``edges { cursor node }`` and ``pageInfo``."""

from __future__ import annotations

import base64
import binascii

import strawberry

from accountgraph.api.types import Party
from accountgraph.errors import QueryLimitError

_PARTY = "party:"
_CHANGE_SET = "change-set:"


def encode_cursor(party_id: str) -> str:
    return _encode(_PARTY, party_id)


def decode_cursor(cursor: str) -> str:
    """The party id a cursor stands for; a cursor this API did not make is refused."""
    return _decode(_PARTY, cursor, "a cursor from pageInfo.endCursor or edges.cursor")


def encode_change_set_cursor(change_set_id: str) -> str:
    return _encode(_CHANGE_SET, change_set_id)


def decode_change_set_cursor(cursor: str) -> str:
    """The change set id a cursor stands for; a cursor this API did not make is refused."""
    return _decode(
        _CHANGE_SET, cursor, "a cursor from changeSets' pageInfo.endCursor or edges.cursor"
    )


def _encode(prefix: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{key}".encode()).decode("ascii")


def _decode(prefix: str, cursor: str, expected: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(prefix):
        raise QueryLimitError("after", cursor, expected)
    return text[len(prefix) :]


@strawberry.type(description="Where a page sits among all the pages.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page (it was asked for with `after`)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first item here.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item here: pass it as `after` for the next page."
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
