"""Scalars the schema reads more strictly than strawberry's defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode, print_ast
from strawberry.types.scalar import ScalarDefinition

from accountgraph.dates import DAY_FORMAT, parse_day


def _serialize_day(value: dt.date) -> str:
    return value.isoformat()


def _parse_day(value: object) -> dt.date:
    # A GraphQLError is the client's mistake, told as it is; any other error would be
    # masked as the server's.
    if not isinstance(value, str):
        raise GraphQLError(f"{value!r} is not a date: expected a string {DAY_FORMAT}")
    try:
        return parse_day(value)
    except ValueError as error:
        raise GraphQLError(str(error)) from None


def _parse_day_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> dt.date:
    """A day written in the document itself; the error points at it."""
    if not isinstance(node, StringValueNode):
        raise GraphQLError(f"{print_ast(node)} is not a date: expected a string {DAY_FORMAT}", node)
    try:
        return parse_day(node.value)
    except ValueError as error:
        raise GraphQLError(str(error), node) from None


DATE: ScalarDefinition = strawberry.scalar(
    name="Date",
    description=f"A calendar day written {DAY_FORMAT} (e.g. 2009-01-01), and no other way.",
    serialize=_serialize_day,
    parse_value=_parse_day,
    parse_literal=_parse_day_literal,
)
"""``Date`` for :class:`datetime.date`: refuses ``20090101`` and ``2009-W01-1`` while the
document is validated (a literal) or its variables coerced, before anything runs."""

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {dt.date: DATE}
"""What :class:`strawberry.Schema` takes as ``scalar_overrides``."""
