"""Request bodies and query strings a security probe sent to /graphql, each with what the
answer must say. Shared by the TestClient tests and the real-server tests."""

from __future__ import annotations

import json

DOCUMENT = "{ dataset { name } }"


def nested_object(depth: int) -> str:
    """A JSON object ``depth`` objects deep: ``{"a":{"a":...1...}}``."""
    return '{"a":' * depth + "1" + "}" * depth


def body_with_variables(variables: str) -> bytes:
    return ('{"query": ' + json.dumps(DOCUMENT) + ', "variables": ' + variables + "}").encode()


HOSTILE_BODIES: dict[str, tuple[bytes, str]] = {
    "null": (b"null", "must be a JSON object"),
    "number": (b"1", "must be a JSON object"),
    "string": (b'"s"', "must be a JSON object"),
    "true": (b"true", "must be a JSON object"),
    "NaN": (b"NaN", "NaN is not a JSON value"),
    "Infinity": (b'{"query": "{ dataset { name } }", "x": -Infinity}', "-Infinity is not"),
    "a float too large": (body_with_variables('{"x": 1e400}'), "too large"),
    "an integer Python will not read": (body_with_variables('{"x": ' + "9" * 5000 + "}"), "JSON"),
    "variables 1000 deep": (body_with_variables(nested_object(1000)), "more than 64 deep"),
    "arrays 30000 deep": (b"[" * 30000 + b"]" * 30000, "more than 64 deep"),
    "invalid UTF-8": (b'{"query": "\xff\xfe"}', "not UTF-8"),
    "a lone surrogate": (b'{"query": "{ party(id: \\"\\ud800\\") { id } }"}', "surrogate"),
    "not JSON": (b"{query}", "not valid JSON"),
    "empty": (b"", "not valid JSON"),
    "query not a string": (b'{"query": 1}', "query"),
    "variables not an object": (
        b'{"query": "{ dataset { name } }", "variables": [1]}',
        "variables",
    ),
}
"""Name -> (POST body, a piece of the error message the 400 must carry)."""

HOSTILE_GET_VARIABLES: dict[str, tuple[str, str]] = {
    "1000 deep": (nested_object(1000), "the variables query parameter nests"),
    "a number": ("1", "the variables query parameter must be a JSON object or null"),
    "NaN": ('{"x": NaN}', "NaN is not a JSON value"),
    "not JSON": ("{", "the variables query parameter is not valid JSON"),
}
"""Name -> (the ``variables`` of a GET, a piece of the error message)."""
