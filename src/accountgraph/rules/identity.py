"""Ids are unique: no two parties share an id, no two edges share their key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import compress
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
    count = len(group.edges)
    # Edges of one relation from as many parties as there are edges (or to as many) cannot
    # share a key: the common case, settled by two sets.
    if len(group.source_set) == count or len(group.target_set) == count:
        return
    column = group.sources if len(group.source_set) >= len(group.target_set) else group.targets
    seen: set[str] = set()
    repeated: set[str] = set()
    for end in column:
        if end in seen:
            repeated.add(end)
        seen.add(end)
    candidates = compress(group.edges, map(repeated.__contains__, column))
    keys = Counter(map(_KEY, candidates))
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
