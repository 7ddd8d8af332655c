"""The errors a GraphQL request gets when it asks for more than the server allows, each
naming what it found, the limit and the setting that holds it."""

from __future__ import annotations

import json

from graphql import GraphQLError


def too_costly(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"the query would cost {cost:,} (the values it may return and the searches it asks "
        f"for), more than the {limit:,} allowed (ACCOUNTGRAPH_MAX_QUERY_COST); ask for "
        "smaller pages (first), shorter paths (maxDepth) or fewer nested lists",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
    )


def too_large(size: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"the answer would be {size:,} bytes, more than the {limit:,} allowed "
        "(ACCOUNTGRAPH_MAX_RESPONSE_BYTES); ask for fewer fields or smaller pages",
        extensions={"code": "RESPONSE_TOO_LARGE", "bytes": size, "limit": limit},
    )


def out_of_time(seconds: float) -> GraphQLError:
    return GraphQLError(
        f"the query took longer than its time budget of {seconds:g} s and was stopped "
        "(ACCOUNTGRAPH_QUERY_TIMEOUT); ask for less: smaller pages (first), shorter paths "
        "(maxDepth), fewer fields",
        extensions={"code": "QUERY_TIMEOUT", "seconds": seconds},
    )


def encode_json(data: object) -> str:
    """``data`` as the API sends it: compact JSON, in ASCII (so its length is its size)."""
    return json.dumps(data, separators=(",", ":"))
