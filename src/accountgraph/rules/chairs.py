"""A chair drawn from a body's members is one of them, on every day it chairs it.

Narrower than "a chair is a member of what it chairs", because the source is: it says the
Security Advisory Group is "chaired by each of its members in turn" (A/46/11 I(e)), but
names the Security Management Group's chair, the Designated Official, apart from its
members, the heads of the organizations (I(d)); the Designated Official, the head of
UNOG, is no such head. A dataset says which bodies take their chair from their members
with the fact ``chair_from_members: true`` (as the audit's ``chair-not-member`` finding
reads it); CHAIRS a->b to such a body needs MEMBER_OF a->b over the same days.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress

from accountgraph.model import Relation
from accountgraph.rules.days import Span, describe, without
from accountgraph.rules.index import DatasetIndex
from accountgraph.rules.violation import RuleViolation, edge_key

CHAIR_FROM_MEMBERS = "chair_from_members"
"""The fact by which a body declares that its chair is one of its members."""


def chairs_not_members(index: DatasetIndex) -> Iterator[RuleViolation]:
    chairs = index.relation(Relation.CHAIRS)
    drawn = [edge for edge in chairs.edges if _chair_from_members(index, edge.target)]
    if not drawn:
        return
    chair_ids = {edge.source for edge in drawn}
    members = index.relation(Relation.MEMBER_OF)
    membership: dict[tuple[str, str], list[Span]] = {}
    for edge in compress(members.edges, map(chair_ids.__contains__, members.sources)):
        span = index.effective_span(edge)
        if span is not None:
            membership.setdefault((edge.source, edge.target), []).append(span)
    for edge in drawn:
        chaired = index.effective_span(edge)
        if chaired is None:
            continue
        outside = without(chaired, membership.get((edge.source, edge.target), []))
        if outside:
            yield RuleViolation(
                "chair-not-member",
                f"{edge.source} chairs {edge.target} but is not a member of it (MEMBER_OF) "
                f"{describe(outside)}, though {edge.target} takes its chair from its members "
                f"({CHAIR_FROM_MEMBERS}; A/46/11 I(e))",
                (edge.source, edge.target),
                (edge_key(edge),),
                tuple(outside),
            )


def _chair_from_members(index: DatasetIndex, body_id: str) -> bool:
    body = index.dataset.party(body_id)
    rule = None if body is None else body.fact(CHAIR_FROM_MEMBERS)
    return rule is not None and rule.value is True
