"""Ids are unique: no two parties share an id, no two edges share their key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from operator import attrgetter

from accountgraph.rules.index import DatasetIndex, RelationEdges
from accountgraph.rules.violation import RuleViolation, edge_key, edge_words

_KEY = attrgetter("source", "relation", "target", "scope")


def duplicate_parties(index: DatasetIndex) -> Iterator[RuleViolation]:
    parties = index.dataset.parties
    if len(index.party_ids) == len(parties):
        return
    counts = Counter(party.id for party in parties)
    for party_id, count in counts.items():
        if count > 1:
            yield RuleViolation(
                "duplicate-party-id",
                f'party id "{party_id}" is given to {count} parties; an id names one party '
                "(the dataset format)",
                (party_id,),
            )


def duplicate_edges(index: DatasetIndex) -> Iterator[RuleViolation]:
    for group in index.every_relation():
        yield from _duplicates(group)


def _duplicates(group: RelationEdges) -> Iterator[RuleViolation]:
    if group.keys_unique():
        return
    keys = Counter(map(_KEY, group.edges))
    for key, times in keys.items():
        if times > 1:
            edge = next(e for e in group.edges if _KEY(e) == key)
            yield RuleViolation(
                "duplicate-edge",
                f"edge {edge_words(edge)} is given {times} times; an edge is known by its "
                "from, relation, to and scope (the dataset format)",
                (edge.source, edge.target),
                (edge_key(edge),),
            )
