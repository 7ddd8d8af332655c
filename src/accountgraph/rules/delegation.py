"""Authority is delegated only down a line of accountability (A/46/11 III.A.1).

"The Director General may delegate authority to others, who are accountable to him
individually or collectively": a DELEGATES_TO edge goes only to a party that is, on every
day the delegation holds, accountable to the delegator, directly or through the
ACCOUNTABLE_TO chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress
from operator import ne

from accountgraph.model import Edge, Relation
from accountgraph.rules.days import (
    EVERY_DAY,
    Span,
    change_points,
    describe,
    meet,
    merged,
    pieces,
    span_of,
    within,
)
from accountgraph.rules.index import DatasetIndex, RelationEdges
from accountgraph.rules.violation import RuleViolation, edge_key


def delegations_outside_accountability(index: DatasetIndex) -> Iterator[RuleViolation]:
    delegations = index.relation(Relation.DELEGATES_TO)
    if not delegations.edges:
        return
    lines = index.relation(Relation.ACCOUNTABLE_TO)
    for edge in compress(delegations.edges, _unsettled(delegations, lines)):
        failing = _days_unaccountable(index, lines, edge)
        if failing:
            yield RuleViolation(
                "delegation-outside-accountability",
                f"{edge.source} delegates to {edge.target}"
                + (f" (scope {edge.scope})" if edge.scope is not None else "")
                + f", but {edge.target} is not accountable to {edge.source}, directly or "
                f"through the ACCOUNTABLE_TO chain, {describe(failing)}; who receives "
                "delegated authority is accountable to who delegated it (A/46/11 III.A.1)",
                (edge.source, edge.target),
                (edge_key(edge),),
                tuple(failing),
            )


def _unsettled(delegations: RelationEdges, lines: RelationEdges) -> list[bool]:
    """For each delegation, whether it needs a closer look.

    A delegation to a party with an ACCOUNTABLE_TO edge straight back to the delegator is
    settled when every such edge holds on every day any delegation does: the common case,
    looked up in C with each party's first principal. Where it fails, a party with several
    principals is looked up again with its last."""
    sources, targets = delegations.sources, delegations.targets
    first = dict(zip(reversed(lines.sources), reversed(lines.targets), strict=True))
    unsettled = list(map(ne, map(first.get, targets), sources))
    if any(unsettled) and len(first) < len(lines.sources):
        last = dict(zip(lines.sources, lines.targets, strict=True))
        for at in compress(range(len(unsettled)), unsettled):
            if last.get(targets[at]) == sources[at]:
                unsettled[at] = False
    every_line = lines.common_span
    if every_line == EVERY_DAY:
        return unsettled
    delegated = delegations.span_hull
    if delegated is not None and (every_line is None or not within(delegated, every_line)):
        outside = {
            span
            for span in delegations.distinct_spans
            if every_line is None or not within(span, every_line)
        }
        spans = (span_of(edge.validity) for edge in delegations.edges)
        unsettled = [was or span in outside for was, span in zip(unsettled, spans, strict=True)]
    return unsettled


def _days_unaccountable(index: DatasetIndex, lines: RelationEdges, edge: Edge) -> list[Span]:
    """The days ``edge`` holds on which its target is not accountable to its source (a
    party is to itself)."""
    held = index.effective_span(edge)
    if held is None or edge.source == edge.target:
        return []
    reachable = _lines_up_from(index, lines, edge.target, held)
    if not any(line.target == edge.source for line, _ in reachable):
        return [held]
    failing = [
        piece
        for piece in pieces(held, change_points(span for _, span in reachable))
        if not _reaches(
            edge.target, edge.source, [line for line, span in reachable if within(piece, span)]
        )
    ]
    return merged(failing)


def _lines_up_from(
    index: DatasetIndex, lines: RelationEdges, start: str, days: Span
) -> list[tuple[Edge, Span]]:
    """The ACCOUNTABLE_TO edges reachable up from ``start`` on some of ``days``, each with
    the days of ``days`` it holds on."""
    up = lines.by_source
    found: list[tuple[Edge, Span]] = []
    seen = {start}
    stack = [start]
    while stack:
        for line in up.get(stack.pop(), ()):
            effective = index.effective_span(line)
            held = None if effective is None else meet(effective, days)
            if held is None:
                continue
            found.append((line, held))
            if line.target not in seen:
                seen.add(line.target)
                stack.append(line.target)
    return found


def _reaches(start: str, goal: str, lines: list[Edge]) -> bool:
    up: dict[str, list[str]] = {}
    for line in lines:
        up.setdefault(line.source, []).append(line.target)
    seen = {start}
    stack = [start]
    while stack:
        for principal in up.get(stack.pop(), ()):
            if principal == goal:
                return True
            if principal not in seen:
                seen.add(principal)
                stack.append(principal)
    return False
