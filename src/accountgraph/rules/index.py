"""The dataset as the rules read it: its party ids and its edges by relation, in columns.

A million-party dataset has millions of edges; the rules touch each edge in as few passes
as they can, and each pass is a C loop (``map``, ``set``, ``compress``) over a column
rather than Python code per edge. What the columns cannot settle, a rule looks at edge
by edge, for the few edges concerned.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from operator import attrgetter

from accountgraph.model import Dataset, Edge, Party, Relation, Validity
from accountgraph.rules.days import Span, hull, meet, meet_all, span_of, within

_ID = attrgetter("id")
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")
_SCOPE = attrgetter("scope")
_VALIDITY = attrgetter("validity")


COLUMNED = (Relation.ACCOUNTABLE_TO, Relation.DELEGATES_TO)
"""The relations whose ends the graph rules read as columns, made with the index."""


class RelationEdges:
    """The edges of one relation, in dataset order, and their ends as columns.

    The columns are made at once if ``columns``, else when first asked for; until then,
    the ends are read from the edges as they are needed (one pass in C either way).
    """

    def __init__(self, edges: list[Edge], *, columns: bool = False) -> None:
        self.edges = edges
        self._sources = list(map(_SOURCE, edges)) if columns else None
        self._targets = list(map(_TARGET, edges)) if columns else None

    @property
    def sources(self) -> list[str]:
        if self._sources is None:
            self._sources = list(map(_SOURCE, self.edges))
        return self._sources

    @property
    def targets(self) -> list[str]:
        if self._targets is None:
            self._targets = list(map(_TARGET, self.edges))
        return self._targets

    def source_ends(self) -> Iterable[str]:
        """The edges' sources: the column if it is made, else read as they come."""
        return map(_SOURCE, self.edges) if self._sources is None else self._sources

    def target_ends(self) -> Iterable[str]:
        return map(_TARGET, self.edges) if self._targets is None else self._targets

    @functools.cached_property
    def source_set(self) -> set[str]:
        return set(self.source_ends())

    def ends_within(self, ids: set[str]) -> bool:
        """Whether every edge of the relation goes from and to ``ids``."""
        return ids.issuperset(self.source_ends()) and ids.issuperset(self.target_ends())

    def keys_unique(self) -> bool:
        """Whether no two edges share their source, target and scope (a ``False`` may be
        two keys of one hash: look closer)."""
        keys = zip(self.source_ends(), self.target_ends(), map(_SCOPE, self.edges), strict=True)
        # zip hands out one tuple again and again while only hash() holds it: no key is kept.
        return len(set(map(hash, keys))) == len(self.edges)

    @functools.cached_property
    def by_source(self) -> dict[str, list[Edge]]:
        """Each source's edges of the relation."""
        found: dict[str, list[Edge]] = {}
        for edge in self.edges:
            found.setdefault(edge.source, []).append(edge)
        return found

    @functools.cached_property
    def distinct_spans(self) -> list[Span]:
        """The spans the edges hold on, each once."""
        return _distinct_spans(self.edges)

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
        grouped: dict[str, list[Edge]] = {relation: [] for relation in Relation}
        add = {relation: edges.append for relation, edges in grouped.items()}
        for edge in dataset.edges:
            add[edge.relation](edge)
        self.by_relation: dict[Relation, RelationEdges] = {
            Relation(relation): RelationEdges(edges, columns=relation in COLUMNED)
            for relation, edges in grouped.items()
            if edges
        }

    @functools.cached_property
    def party_ids(self) -> set[str]:
        return set(map(_ID, self.dataset.parties))

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
    def party_spans(self) -> list[Span]:
        """The spans parties take part on, each once."""
        return _distinct_spans(self.dataset.parties)

    def parties_not_holding(self, span: Span) -> set[str]:
        """The ids of the parties that do not take part on every day of ``span``."""
        if all(within(span, party) for party in self.party_spans):
            return set()
        return {p.id for p in self.dataset.parties if not within(span, span_of(p.validity))}

    def every_relation(self) -> Iterable[RelationEdges]:
        return self.by_relation.values()


def _distinct_spans(items: Sequence[Edge] | Sequence[Party]) -> list[Span]:
    """The spans ``items`` hold on, each once. Equal validities are mostly one object (the
    dataset reader makes them so): their ids, gathered in C, say how many there are, and
    the items are looked at one by one only until each has been met."""
    wanted = set(map(id, map(_VALIDITY, items)))
    found: dict[int, Validity] = {}
    for validity in map(_VALIDITY, items):
        if id(validity) not in found:
            found[id(validity)] = validity
            if len(found) == len(wanted):
                break
    return list(dict.fromkeys(map(span_of, found.values())))
