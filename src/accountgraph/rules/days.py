"""Days as the rules count them: spans of days, both ends included, open where ``None``.

A span is what a :class:`~accountgraph.model.Validity` holds, as a plain pair, so that the
rules can meet, cut and join them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from accountgraph.model import Validity

Span = tuple[dt.date | None, dt.date | None]
"""First and last day (both included); ``None`` is open: since always, or from then on."""

EVERY_DAY: Span = (None, None)
_ONE_DAY = dt.timedelta(days=1)


def span_of(validity: Validity) -> Span:
    """``validity``'s days; the first and last days of the calendar are its open ends."""
    start, end = validity.valid_from, validity.valid_to
    return (None if start == dt.date.min else start, None if end == dt.date.max else end)


def meet(first: Span, second: Span) -> Span | None:
    """The days in both spans, or ``None`` if they share none."""
    start = (
        first[0]
        if second[0] is None
        else second[0]
        if first[0] is None
        else max(first[0], second[0])
    )
    end = (
        first[1]
        if second[1] is None
        else second[1]
        if first[1] is None
        else min(first[1], second[1])
    )
    if start is not None and end is not None and start > end:
        return None
    return (start, end)


def meet_all(spans: Iterable[Span]) -> Span | None:
    """The days every span holds (every day if there is none), or ``None`` if none."""
    common = EVERY_DAY
    for span in spans:
        met = meet(common, span)
        if met is None:
            return None
        common = met
    return common


def within(inner: Span, outer: Span) -> bool:
    """Whether every day of ``inner`` is in ``outer``."""
    if outer[0] is not None and (inner[0] is None or inner[0] < outer[0]):
        return False
    return outer[1] is None or (inner[1] is not None and inner[1] <= outer[1])


def hull(spans: Iterable[Span]) -> Span | None:
    """The smallest span holding every one of ``spans``; ``None`` if there are none."""
    found = False
    start: dt.date | None = None
    end: dt.date | None = None
    open_start = open_end = False
    for first, last in spans:
        if first is None:
            open_start = True
        elif not found or start is None or first < start:
            start = first
        if last is None:
            open_end = True
        elif not found or end is None or last > end:
            end = last
        found = True
    if not found:
        return None
    return (None if open_start else start, None if open_end else end)


def _day_after(day: dt.date) -> dt.date | None:
    return None if day == dt.date.max else day + _ONE_DAY


def change_points(spans: Iterable[Span]) -> list[dt.date]:
    """The days on which one of ``spans`` begins or has just ended, in order."""
    points: set[dt.date] = set()
    for start, end in spans:
        if start is not None:
            points.add(start)
        after = None if end is None else _day_after(end)
        if after is not None:
            points.add(after)
    return sorted(points)


def pieces(span: Span, points: Sequence[dt.date]) -> list[Span]:
    """``span`` cut so that each of ``points`` (in order) inside it begins a piece.

    Cut at the change points of some spans, each piece lies wholly inside or wholly
    outside each of them: what holds on one day of a piece holds on all of it.
    """
    found: list[Span] = []
    start, end = span
    for point in points:
        if (start is None or point > start) and (end is None or point <= end):
            found.append((start, point - _ONE_DAY))
            start = point
    found.append((start, end))
    return found


def merged(spans: Iterable[Span]) -> list[Span]:
    """``spans`` in order, those that overlap or touch joined into one."""
    ordered = sorted(spans, key=lambda s: (s[0] is not None, s[0] or dt.date.min))
    joined: list[Span] = []
    for start, end in ordered:
        if joined:
            last_start, last_end = joined[-1]
            touches = last_end is None or start is None or start <= last_end + _ONE_DAY
            if touches:
                later = None if last_end is None or end is None else max(last_end, end)
                joined[-1] = (last_start, later)
                continue
        joined.append((start, end))
    return joined


def without(span: Span, removed: Sequence[Span]) -> list[Span]:
    """The days of ``span`` that are in none of ``removed``, as joined spans."""
    return merged(
        piece
        for piece in pieces(span, change_points(removed))
        if not any(within(piece, other) for other in removed)
    )


def describe(spans: Sequence[Span]) -> str:
    """``spans`` for a message: ``on every day from 2027-01-01 to 2027-12-31``."""
    parts = [_one(span) for span in spans]
    if not parts:
        return "on no day"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return listed if listed.startswith("on ") else f"on every day {listed}"


def _one(span: Span) -> str:
    start, end = span
    if start is None and end is None:
        return "on every day"
    if start is None:
        return f"until {end}"
    if end is None:
        return f"from {start}"
    if start == end:
        return f"on {start}"
    return f"from {start} to {end}"


def describe_span(span: Span) -> str:
    """A party's or edge's span for a message: ``from 2015-01-01``, ``always``."""
    text = _one(span)
    return "always" if text == "on every day" else text
