"""The JSON a GraphQL request may carry, read so that no body can make the server fail.

A request body, or the ``variables`` and ``extensions`` of a GET, is read here: UTF-8
text, JSON as RFC 8259 has it (no ``NaN``, no ``Infinity``, no number too large for a
float), no lone UTF-16 surrogate in a string, and objects and arrays nested at most
:data:`MAX_JSON_DEPTH` deep. Anything else raises :class:`RequestJSONError`, whose
message tells the client what is wrong and where.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_JSON_DEPTH = 64
"""How deep objects and arrays may sit within each other; a GraphQL request needs a few."""


class RequestJSONError(ValueError):
    """The JSON of a request cannot be used; the message is for the client."""


def _finite_number(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise RequestJSONError(f"the number {text[:40]} is too large")
    return number


def _constant(name: str) -> Any:
    raise RequestJSONError(f"{name} is not a JSON value")


def read_json(data: str | bytes, where: str) -> Any:
    """The value ``data`` holds; ``where`` names it in errors (``the request body``)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestJSONError(
                f"{where} is not UTF-8 text: byte 0x{data[error.start]:02x} at offset "
                f"{error.start} cannot start or continue a character"
            ) from None
    try:
        value = json.loads(data, parse_float=_finite_number, parse_constant=_constant)
    except RequestJSONError as error:
        raise RequestJSONError(f"{where} is not valid JSON: {error}") from None
    except json.JSONDecodeError as error:
        raise RequestJSONError(
            f"{where} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise RequestJSONError(_too_deep(where)) from None
    except ValueError as error:  # an integer with more digits than Python reads
        raise RequestJSONError(f"{where} is not usable JSON: {error}") from None
    _check_nesting_and_text(value, where)
    return value


def read_json_object(data: str | bytes, where: str, *, null: bool = False) -> dict[str, Any] | None:
    """The JSON object ``data`` holds (or ``None`` for ``null`` when ``null`` is allowed)."""
    value = read_json(data, where)
    if isinstance(value, dict) or (value is None and null):
        return value
    expected = "a JSON object or null" if null else "a JSON object"
    raise RequestJSONError(f"{where} must be {expected}, not {_kind(value)}")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _too_deep(where: str) -> str:
    return f"{where} nests objects and arrays more than {MAX_JSON_DEPTH} deep"


def _check_nesting_and_text(value: object, where: str) -> None:
    """Walk ``value`` without recursion: too deep, or a string that is not text, is refused."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise RequestJSONError(_too_deep(where))
            if isinstance(item, dict):
                for key, inner in item.items():
                    _check_text(key, where)
                    pending.append((inner, depth + 1))
            else:
                pending.extend((inner, depth + 1) for inner in item)


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        raise RequestJSONError(
            f"{where} holds \\u{code:04x}, a lone UTF-16 surrogate, which is not a character"
        ) from None
