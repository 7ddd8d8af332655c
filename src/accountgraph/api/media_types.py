"""The media types ``/graphql`` answers in, and the one a request's ``Accept`` header picks.

The GraphQL over HTTP specification defines ``application/graphql-response+json``: with
it, a request GraphQL refuses before executing anything (a document that does not parse
or validate, variables that do not fit their types, a document over the limits) is a
4xx without a ``data`` entry, so that an intermediary can tell failure from success by
the status alone. ``application/json`` is what clients written before it expect: every
well-formed request answers 200, errors in the body. A request without ``Accept``, or
accepting anything (``*/*``), gets ``application/json``, as the specification asks for
clients that predate it.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

OFFERED = (GRAPHQL_RESPONSE_JSON, JSON)
"""What ``/graphql`` can answer in."""


@dataclass(frozen=True, slots=True)
class _Range:
    """One media range of an ``Accept`` header."""

    kind: str
    subtype: str
    quality: float
    position: int

    def specificity(self, media_type: str) -> int | None:
        """How closely this range names ``media_type`` (2: exactly, 1: ``type/*``, 0:
        ``*/*``); ``None`` when it does not match it."""
        kind, _, subtype = media_type.partition("/")
        if self.kind == "*" and self.subtype == "*":
            return 0
        if self.kind != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else None


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for position, item in enumerate(accept.split(",")):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media_range.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(kind, subtype, quality, position))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The media type to answer a request whose ``Accept`` header is ``accept`` in; ``None``
    when the header accepts none of :data:`OFFERED` (a 406).

    Each offered type takes the quality of the most specific range matching it (RFC 9110,
    section 12.5.1); the highest quality wins, then the more specific match, then the
    range the client listed first, then ``application/json`` (so ``*/*`` means it).
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _ranges(accept)
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for preference, media_type in enumerate((JSON, GRAPHQL_RESPONSE_JSON)):
        matches = [
            (specificity, r)
            for r in ranges
            if (specificity := r.specificity(media_type)) is not None
        ]
        if not matches:
            continue
        specificity, match = max(matches, key=lambda m: (m[0], -m[1].position))
        if match.quality <= 0:
            continue
        rank = (match.quality, specificity, -match.position, -preference)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen
