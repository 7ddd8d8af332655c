"""Both ends of every edge are parties, and take part in the graph whenever the edge does.

A party added with a ``valid_from`` in the future may have edges from that day; a retired
party (``valid_to``) leaves no edge valid after that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress
from operator import or_

from accountgraph.model import Edge
from accountgraph.rules.days import (
    EVERY_DAY,
    Span,
    describe,
    describe_span,
    hull,
    meet_all,
    merged,
    span_of,
    within,
    without,
)
from accountgraph.rules.index import DatasetIndex
from accountgraph.rules.violation import RuleViolation, edge_key, edge_words


def missing_ends(index: DatasetIndex) -> Iterator[RuleViolation]:
    ids = index.party_ids
    for group in index.every_relation():
        if group.ends_within(ids):
            continue
        for edge in group.edges:
            missing = [end for end in dict.fromkeys((edge.source, edge.target)) if end not in ids]
            if missing:
                named = " and ".join(f'"{end}"' for end in missing)
                yield RuleViolation(
                    "edge-end-missing",
                    f"edge {edge_words(edge)} joins no party {named}; both ends of an edge "
                    "are parties of the dataset",
                    (edge.source, edge.target),
                    (edge_key(edge),),
                )


def edges_outside_their_parties(index: DatasetIndex) -> Iterator[RuleViolation]:
    groups = list(index.every_relation())
    every_party = meet_all(index.party_spans)
    if every_party == EVERY_DAY:  # no party leaves a day out: no edge can outlast one
        return
    edge_hull = hull(span for group in groups if (span := group.span_hull) is not None)
    if edge_hull is None or (every_party is not None and within(edge_hull, every_party)):
        return
    # Only an edge of a party that does not take part on all the days some edge holds can
    # outlast it: found by a set of those parties, looked up in the columns.
    narrow = index.parties_not_holding(edge_hull)
    if not narrow:
        return
    for group in groups:
        touching = map(
            or_, map(narrow.__contains__, group.sources), map(narrow.__contains__, group.targets)
        )
        for edge in compress(group.edges, touching):
            violation = _outside(index, edge)
            if violation is not None:
                yield violation


def _outside(index: DatasetIndex, edge: Edge) -> RuleViolation | None:
    held = span_of(edge.validity)
    gaps: list[str] = []
    days: list[Span] = []
    for end in dict.fromkeys((edge.source, edge.target)):
        party = index.party_span(end)
        if party is None or within(held, party):
            continue
        outside = without(held, [party])
        days += outside
        gaps.append(
            f"party {end} takes part {describe_span(party)}: the edge holds without it "
            f"{describe(outside)}"
        )
    if not gaps:
        return None
    return RuleViolation(
        "edge-outside-party-validity",
        f"edge {edge_words(edge)} holds {describe_span(held)}, but {'; '.join(gaps)}; an "
        "edge holds only while both its parties take part in the graph: give it a valid_from "
        "or valid_to within theirs",
        (edge.source, edge.target),
        (edge_key(edge),),
        tuple(merged(days)),
    )
