"""Small datasets for the rule book's tests: parties and edges in a line each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from accountgraph.model import (
    Citation,
    Dataset,
    Document,
    Edge,
    Fact,
    Party,
    PartyKind,
    Relation,
    Text,
    Validity,
)

A = Relation.ACCOUNTABLE_TO
D = Relation.DELEGATES_TO
CHAIRS = Relation.CHAIRS
MEMBER = Relation.MEMBER_OF
REPORTS = Relation.REPORTS_TO

CITE = (Citation("A/46/11", "III.A.1", Text({"en": "The clause."})),)
DOCUMENT = Document("A/46/11", Text({"en": "Framework"}), ("III.A.1", "I(e)"))
CHAIR_FROM_MEMBERS = Fact(
    "chair_from_members",
    True,
    Citation("A/46/11", "I(e)", Text({"en": "Chaired by each of its members in turn."})),
)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def days(start: str | None = None, end: str | None = None) -> Validity:
    return Validity(None if start is None else day(start), None if end is None else day(end))


def party(
    party_id: str,
    start: str | None = None,
    end: str | None = None,
    *,
    chair_from_members: bool = False,
) -> Party:
    return Party(
        party_id,
        PartyKind.BODY if chair_from_members else PartyKind.OFFICE,
        Text({"en": party_id}),
        facts=(CHAIR_FROM_MEMBERS,) if chair_from_members else (),
        validity=days(start, end),
    )


def edge(
    source: str,
    relation: Relation,
    target: str,
    start: str | None = None,
    end: str | None = None,
    *,
    scope: str | None = None,
) -> Edge:
    return Edge(source, relation, target, CITE, scope, None, days(start, end))


def graph(parties: Sequence[Party | str], edges: Sequence[Edge]) -> Dataset:
    """A dataset of ``parties`` (ids are parties valid every day) and ``edges``."""
    made = [party(p) if isinstance(p, str) else p for p in parties]
    return Dataset("rules", Text({"en": "Rules"}), DOCUMENT, tuple(made), tuple(edges), ())
