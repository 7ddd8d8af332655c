"""The dataset as the rules read it: its party ids and its edges by relation, in columns.

A million-party dataset has millions of edges; the rules touch each edge in as few passes
as they can, and each pass is a C loop (``map``, ``set``, ``compress``) over a column
rather than Python code per edge. What the columns cannot settle, a rule looks at edge
by edge, for the few edges concerned.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from operator import attrgetter

from accountgraph.model import Dataset, Edge, Relation
from accountgraph.rules.days import Span, hull, meet, meet_all, span_of, within

_ID = attrgetter("id")
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")
_VALIDITY = attrgetter("validity")


class RelationEdges:
    """The edges of one relation, in dataset order, with their columns (made when asked)."""

    def __init__(self, edges: list[Edge]) -> None:
        self.edges = edges

    @functools.cached_property
    def sources(self) -> list[str]:
        return list(map(_SOURCE, self.edges))

    @functools.cached_property
    def targets(self) -> list[str]:
        return list(map(_TARGET, self.edges))

    @functools.cached_property
    def source_set(self) -> set[str]:
        made = self.__dict__.get("sources")
        return set(map(_SOURCE, self.edges) if made is None else made)

    @functools.cached_property
    def target_set(self) -> set[str]:
        made = self.__dict__.get("targets")
        return set(map(_TARGET, self.edges) if made is None else made)

    @functools.cached_property
    def by_source(self) -> dict[str, list[Edge]]:
        """Each source's edges of the relation."""
        found: dict[str, list[Edge]] = {}
        for edge in self.edges:
            found.setdefault(edge.source, []).append(edge)
        return found

    @functools.cached_property
    def distinct_spans(self) -> list[Span]:
        """The spans the edges hold on, each once (equal validities are mostly one object)."""
        distinct = {id(validity): validity for validity in map(_VALIDITY, self.edges)}
        return list(dict.fromkeys(span_of(validity) for validity in distinct.values()))

    @functools.cached_property
    def common_span(self) -> Span | None:
        """The days every edge of the relation holds on."""
        return meet_all(self.distinct_spans)

    @functools.cached_property
    def span_hull(self) -> Span | None:
        """The smallest span holding the days of every edge of the relation."""
        return hull(self.distinct_spans)


class DatasetIndex:
    """A dataset's party ids, and its edges grouped by relation."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.party_ids: set[str] = set(map(_ID, dataset.parties))
        grouped: dict[str, list[Edge]] = {relation: [] for relation in Relation}
        add = {relation: edges.append for relation, edges in grouped.items()}
        for edge in dataset.edges:
            add[edge.relation](edge)
        self.by_relation: dict[Relation, RelationEdges] = {
            Relation(relation): RelationEdges(edges) for relation, edges in grouped.items() if edges
        }

    def relation(self, relation: Relation) -> RelationEdges:
        """The edges of ``relation``, none if the dataset has none."""
        return self.by_relation.get(relation) or RelationEdges([])

    def party_span(self, party_id: str) -> Span | None:
        """The days ``party_id`` takes part in the graph; ``None`` if it is no party."""
        party = self.dataset.party(party_id)
        return None if party is None else span_of(party.validity)

    def effective_span(self, edge: Edge) -> Span | None:
        """The days ``edge`` is in the graph: its own, within both its parties'."""
        source, target = self.party_span(edge.source), self.party_span(edge.target)
        if source is None or target is None:
            return None
        both = meet(source, target)
        return None if both is None else meet(span_of(edge.validity), both)

    @functools.cached_property
    def party_spans(self) -> dict[int, Span]:
        """The spans parties take part on, by the id of their validity object."""
        validities = list(map(_VALIDITY, self.dataset.parties))
        distinct = dict(zip(map(id, validities), validities, strict=True))
        return {key: span_of(validity) for key, validity in distinct.items()}

    def parties_not_holding(self, span: Span) -> set[str]:
        """The ids of the parties that do not take part on every day of ``span``."""
        narrow = {key for key, party in self.party_spans.items() if not within(span, party)}
        if not narrow:
            return set()
        return {p.id for p in self.dataset.parties if id(p.validity) in narrow}

    def every_relation(self) -> Iterable[RelationEdges]:
        return self.by_relation.values()
