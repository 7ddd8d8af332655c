"""The embedded store: one dataset's graph held in memory, on networkx.

Everything a query needs is indexed once, when the store is built, so that a query
touches only the parties it is about, even in a graph of millions:

* a frozen :class:`networkx.MultiDiGraph` keyed by party id, each edge keyed by
  ``(relation, scope)`` and carrying its :class:`~accountgraph.model.Edge`, the graph of
  record (:attr:`MemoryStore.graph`) and the index of queries over several relations;
* per relation, the edges leaving and reaching each party, sorted by the party at the
  other end, for walks along one relation;
* the ids in order (all, and per kind), for paging with :mod:`bisect`;
* each party's id, aliases and names case-folded into one string, for searching;
* for "did you mean", built at the first unknown id: ids and aliases case-folded.

Path queries are delegated to :mod:`accountgraph.store._paths`, which bounds them.

Queries as of a day filter while they walk: the edges and parties a query meets are
checked against the day, the graph is never copied. The span of days on which everything
the store holds is valid is known from the start; a query about a day inside it (or about
no day) checks nothing, so a dataset where nothing is dated never pays for dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from accountgraph.errors import DatasetError, Problem, UnknownPartyError
from accountgraph.model import (
    Dataset,
    Direction,
    Edge,
    Party,
    PartyKind,
    Path,
    Relation,
    Responsibility,
)
from accountgraph.store._paths import (
    DEFAULT_STEP_BUDGET,
    Hop,
    Successors,
    edge_order,
    group_hops,
    ordered_paths,
    scope_order,
)
from accountgraph.store.base import (
    PartyPage,
    StoreStats,
    check_bounds,
    check_page_size,
    day_of,
    not_valid_on,
)
from accountgraph.suggest import closest, name_key, pool_around

SIMILARITY_CUTOFF = 0.6
"""How alike (difflib's ratio) an id must be to an unknown one to be suggested."""

_COUNT_CACHE_SIZE = 256
_FIELD_SEPARATOR = "\x00"

EdgeTable = dict[str, list[Edge]]
"""One relation's edges by the party they leave (or reach), ordered by the other end."""


class MemoryStore:
    """A :class:`~accountgraph.store.base.GraphStore` over a dataset held in memory.

    ``step_budget`` caps how many branches one path query may try (see
    :mod:`accountgraph.store._paths`); the default suits graphs of millions of parties.
    """

    def __init__(self, dataset: Dataset, *, step_budget: int = DEFAULT_STEP_BUDGET) -> None:
        _check_references(dataset)
        self._dataset = dataset
        self._step_budget = step_budget
        self._parties: dict[str, Party] = {party.id: party for party in dataset.parties}
        self._ids = sorted(self._parties)
        self._ids_by_kind: dict[PartyKind, list[str]] = {}
        for party_id in self._ids:
            self._ids_by_kind.setdefault(self._parties[party_id].kind, []).append(party_id)
        self._haystacks = {party.id: _haystack(party) for party in dataset.parties}
        self._count_cache: dict[tuple[PartyKind | None, str, dt.date | None], int] = {}
        # Every party and edge is valid from _all_from to _all_to (open when None).
        validities = [p.validity for p in dataset.parties] + [e.validity for e in dataset.edges]
        self._all_from = max((v.valid_from for v in validities if v.valid_from), default=None)
        self._all_to = min((v.valid_to for v in validities if v.valid_to), default=None)
        self._names: _NameIndex | None = None
        self._out = _edge_table(dataset.edges, _source, _target_order)
        self._in = _edge_table(dataset.edges, _target, _source_order)
        self._duties: dict[str, list[Responsibility]] = {}
        for duty in dataset.responsibilities:
            self._duties.setdefault(duty.holder, []).append(duty)
        graph = nx.MultiDiGraph(name=dataset.name)
        graph.add_nodes_from(self._ids)
        graph.add_edges_from(
            (edge.source, edge.target, (edge.relation, edge.scope), {"edge": edge})
            for edge in dataset.edges
        )
        self._graph: Any = nx.freeze(graph)

    @property
    def dataset(self) -> Dataset:
        """The dataset this store was built from."""
        return self._dataset

    @property
    def graph(self) -> Any:
        """The frozen :class:`networkx.MultiDiGraph`, for analyses beyond the protocol."""
        return self._graph

    @property
    def step_budget(self) -> int:
        """How many branches one path query may try."""
        return self._step_budget

    async def stats(self) -> StoreStats:
        return StoreStats(
            dataset=self._dataset.name,
            parties=len(self._parties),
            edges=len(self._dataset.edges),
            responsibilities=len(self._dataset.responsibilities),
        )

    async def get_party(self, party_id: str, *, as_of: dt.date | None = None) -> Party | None:
        return self._party_on(party_id, self._day(as_of))

    async def get_parties(
        self, party_ids: Sequence[str], *, as_of: dt.date | None = None
    ) -> list[Party | None]:
        day = self._day(as_of)
        return [self._party_on(party_id, day) for party_id in party_ids]

    async def suggest_ids(
        self, party_id: str, limit: int = 3, *, as_of: dt.date | None = None
    ) -> list[str]:
        return self._suggest(party_id, limit, self._day(as_of))

    async def list_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: dt.date | None = None,
    ) -> PartyPage:
        check_page_size(first)
        day = self._day(as_of)
        ids = self._ids if kind is None else self._ids_by_kind.get(kind, [])
        needle = search.casefold() if search else None
        start = 0 if after is None else bisect.bisect_right(ids, after)
        chosen: list[Party] = []
        for index in range(start, len(ids)):
            party_id = ids[index]
            if needle is not None and needle not in self._haystacks[party_id]:
                continue
            if day is not None and not self._holds(party_id, day):
                continue
            if len(chosen) == first:
                return PartyPage(tuple(chosen), has_next=True)
            chosen.append(self._parties[party_id])
        return PartyPage(tuple(chosen), has_next=False)

    async def count_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        day = self._day(as_of)
        ids = self._ids if kind is None else self._ids_by_kind.get(kind, [])
        if not search and day is None:
            return len(ids)
        needle = search.casefold() if search else ""
        key = (kind, needle, day)
        count = self._count_cache.get(key)
        if count is None:
            count = sum(
                1
                for party_id in ids
                if needle in self._haystacks[party_id]
                and (day is None or self._holds(party_id, day))
            )
            if len(self._count_cache) >= _COUNT_CACHE_SIZE:
                self._count_cache.clear()
            self._count_cache[key] = count
        return count

    async def edges(
        self,
        party_id: str,
        direction: Direction = Direction.OUT,
        relations: Sequence[Relation] | None = None,
        *,
        as_of: dt.date | None = None,
    ) -> list[Edge]:
        day = self._day(as_of)
        self._require(party_id, day)
        wanted = None if relations is None else frozenset(relations)
        found: list[Edge] = []
        if direction in (Direction.OUT, Direction.BOTH):
            found += _edge_data(self._graph.out_edges(party_id, data="edge"))
        if direction in (Direction.IN, Direction.BOTH):
            arriving = _edge_data(self._graph.in_edges(party_id, data="edge"))
            if direction is Direction.BOTH:
                arriving = [edge for edge in arriving if edge.source != party_id]
            found += arriving
        if wanted is not None:
            found = [edge for edge in found if edge.relation in wanted]
        if day is not None:
            found = [edge for edge in found if self._edge_holds(edge, day)]
        return sorted(
            found,
            key=lambda e: (
                e.relation.value,
                e.other_end(party_id),
                e.source,
                scope_order(e.scope),
            ),
        )

    async def neighbours(
        self,
        party_id: str,
        relation: Relation,
        direction: Direction = Direction.OUT,
        *,
        transitive: bool = False,
        as_of: dt.date | None = None,
    ) -> list[Party]:
        day = self._day(as_of)
        self._require(party_id, day)
        if day is not None and not self._holds(party_id, day):
            return []
        seen = {party_id}
        frontier = [party_id]
        ordered: list[str] = []
        while frontier:
            reached = {
                other
                for pid in frontier
                for other in self._adjacent(pid, relation, direction, day)
                if other not in seen
            }
            frontier = sorted(reached)
            seen.update(frontier)
            ordered += frontier
            if not transitive:
                break
        return [self._parties[pid] for pid in ordered]

    async def responsibilities(
        self, holder_id: str, *, as_of: dt.date | None = None
    ) -> list[Responsibility]:
        day = self._day(as_of)
        self._require(holder_id, day)
        if day is not None and not self._holds(holder_id, day):
            return []
        return list(self._duties.get(holder_id, ()))

    async def all_responsibilities(self) -> list[Responsibility]:
        return list(self._dataset.responsibilities)

    async def accountability_chains(
        self,
        party_id: str,
        *,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        check_bounds(max_depth, max_paths)
        day = self._day(as_of)
        self._require_valid(party_id, day)
        return ordered_paths(
            party_id,
            self._hops_along([Relation.ACCOUNTABLE_TO], day=day),
            None,
            max_depth=max_depth,
            max_paths=max_paths,
            step_budget=self._step_budget,
        )

    async def delegation_ends(
        self,
        party_id: str,
        *,
        scope: str | None = None,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        check_bounds(max_depth, max_paths)
        day = self._day(as_of)
        self._require_valid(party_id, day)
        return ordered_paths(
            party_id,
            self._hops_along([Relation.DELEGATES_TO], scope, day),
            None,
            max_depth=max_depth,
            max_paths=max_paths,
            step_budget=self._step_budget,
        )

    async def paths(
        self,
        from_id: str,
        to_id: str,
        *,
        relations: Sequence[Relation] | None = None,
        max_depth: int = 8,
        max_paths: int = 50,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        check_bounds(max_depth, max_paths)
        day = self._day(as_of)
        self._require_valid(from_id, day)
        self._require_valid(to_id, day)
        if from_id == to_id or (relations is not None and not relations):
            return []
        return ordered_paths(
            from_id,
            self._hops_along(relations, day=day),
            to_id,
            max_depth=max_depth,
            max_paths=max_paths,
            step_budget=self._step_budget,
        )

    async def snapshot(self, *, as_of: dt.date | None = None) -> Dataset:
        day = self._day(as_of)
        return self._dataset if day is None else self._dataset.as_of(day)

    async def close(self) -> None:
        """Nothing is held open: the graph stays readable until the store is dropped."""

    def _day(self, as_of: dt.date | None) -> dt.date | None:
        """The day a query must check, or ``None`` when everything held is valid on it."""
        day = day_of(as_of)
        if day is None:
            return None
        if (self._all_from is None or self._all_from <= day) and (
            self._all_to is None or day <= self._all_to
        ):
            return None
        return day

    def _holds(self, party_id: str, day: dt.date) -> bool:
        return self._parties[party_id].validity.holds_on(day)

    def _edge_holds(self, edge: Edge, day: dt.date) -> bool:
        return (
            edge.validity.holds_on(day)
            and self._holds(edge.source, day)
            and self._holds(edge.target, day)
        )

    def _party_on(self, party_id: str, day: dt.date | None) -> Party | None:
        party = self._parties.get(party_id)
        if party is None or day is None or party.validity.holds_on(day):
            return party
        return None

    def _require(self, party_id: str, day: dt.date | None = None) -> None:
        """Raise :class:`UnknownPartyError` unless the store holds the party (suggesting
        ids of parties valid on ``day``)."""
        if party_id not in self._parties:
            raise UnknownPartyError(party_id, self._suggest(party_id, 3, day))

    def _require_valid(self, party_id: str, day: dt.date | None) -> None:
        """As :meth:`_require`, and the party must take part on ``day``."""
        self._require(party_id, day)
        if day is not None and not self._holds(party_id, day):
            raise not_valid_on(self._parties[party_id], day)

    def _suggest(self, party_id: str, limit: int, day: dt.date | None = None) -> list[str]:
        if limit <= 0:
            return []
        ids = self._ids
        if day is not None:
            ids = [candidate for candidate in ids if self._holds(candidate, day)]
        if not ids:
            return []
        if self._names is None:
            self._names = _NameIndex.of(self._parties.values())
        folded = party_id.casefold()
        named = self._names.by_name.get(name_key(party_id), ())
        if day is not None:
            named = [candidate for candidate in named if self._holds(candidate, day)]
        picks = dict.fromkeys(named)
        pool = pool_around(ids, bisect.bisect_left(ids, party_id))
        picks.update(dict.fromkeys(closest(party_id, pool, limit=limit, cutoff=SIMILARITY_CUTOFF)))
        if folded:
            for candidate in ids:
                if len(picks) >= limit:
                    break
                if folded in self._names.folded_ids[candidate]:
                    picks[candidate] = None
        return list(picks)[:limit]

    def _adjacent(
        self, party_id: str, relation: Relation, direction: Direction, day: dt.date | None
    ) -> Iterator[str]:
        """The parties one ``relation`` edge from ``party_id`` (itself valid on ``day``),
        over edges valid that day."""
        if direction in (Direction.OUT, Direction.BOTH):
            for edge in self._out.get(relation, {}).get(party_id, ()):
                if day is None or self._leads_on(edge, edge.target, day):
                    yield edge.target
        if direction in (Direction.IN, Direction.BOTH):
            for edge in self._in.get(relation, {}).get(party_id, ()):
                if day is None or self._leads_on(edge, edge.source, day):
                    yield edge.source

    def _leads_on(self, edge: Edge, other: str, day: dt.date) -> bool:
        """Whether ``edge``, from a party valid on ``day``, leads to ``other`` that day."""
        return edge.validity.holds_on(day) and self._holds(other, day)

    def _hops_along(
        self,
        relations: Sequence[Relation] | None,
        scope: str | None = None,
        day: dt.date | None = None,
    ) -> Successors:
        """The hops leaving a party over ``relations`` (all when ``None``), of ``scope``,
        valid on ``day`` with the parties they reach (a walk starts at a party valid that
        day, so it only ever leaves one)."""
        if relations is not None and len(set(relations)) == 1:
            table = self._out.get(relations[0], {})

            def along(party_id: str) -> tuple[Hop, ...]:
                edges: Sequence[Edge] = table.get(party_id, ())
                if scope is not None:
                    edges = [e for e in edges if e.scope == scope]
                if day is not None:
                    edges = [e for e in edges if self._leads_on(e, e.target, day)]
                return group_hops(edges, _target) if edges else ()

            return along

        wanted = None if relations is None else frozenset(relations)
        successors = self._graph.succ

        def over_graph(party_id: str) -> tuple[Hop, ...]:
            hops: list[Hop] = []
            adjacent = successors[party_id]
            for other in sorted(adjacent):
                edges = _keyed_edges(adjacent[other])
                if wanted is not None:
                    edges = [e for e in edges if e.relation in wanted]
                if scope is not None:
                    edges = [e for e in edges if e.scope == scope]
                if day is not None and edges:
                    edges = [e for e in edges if self._leads_on(e, other, day)]
                if edges:
                    hops.append((other, tuple(sorted(edges, key=edge_order))))
            return tuple(hops)

        return over_graph


@dataclass(frozen=True, slots=True)
class _NameIndex:
    """For "did you mean", built at the first unknown id: each id case-folded, and the ids
    each case-folded id or alias belongs to."""

    folded_ids: dict[str, str]
    by_name: dict[str, list[str]]

    @classmethod
    def of(cls, parties: Iterable[Party]) -> _NameIndex:
        folded_ids: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        for party in parties:
            folded_ids[party.id] = party.id.casefold()
            for name in {name_key(party.id), *(name_key(alias) for alias in party.aliases)}:
                by_name.setdefault(name, []).append(party.id)
        return cls(folded_ids, by_name)


def _haystack(party: Party) -> str:
    """What ``search`` looks in: the id, aliases and names, case-folded."""
    return _FIELD_SEPARATOR.join((party.id, *party.aliases, *party.name.values.values())).casefold()


def _edge_table(
    edges: Iterable[Edge],
    party_of: Callable[[Edge], str],
    order: Callable[[Edge], tuple[str, tuple[bool, str]]],
) -> dict[Relation, EdgeTable]:
    """Per relation, the edges of each party (``party_of``), sorted by ``order``."""
    grouped: dict[Relation, defaultdict[str, list[Edge]]] = {}
    for edge in edges:
        by_party = grouped.get(edge.relation)
        if by_party is None:
            by_party = grouped[edge.relation] = defaultdict(list)
        by_party[party_of(edge)].append(edge)
    for by_party in grouped.values():
        for party_edges in by_party.values():
            if len(party_edges) > 1:
                party_edges.sort(key=order)
    return {relation: dict(by_party) for relation, by_party in grouped.items()}


def _source(edge: Edge) -> str:
    return edge.source


def _target(edge: Edge) -> str:
    return edge.target


def _source_order(edge: Edge) -> tuple[str, tuple[bool, str]]:
    return (edge.source, scope_order(edge.scope))


def _target_order(edge: Edge) -> tuple[str, tuple[bool, str]]:
    return (edge.target, scope_order(edge.scope))


def _edge_data(triples: Any) -> list[Edge]:
    """The :class:`Edge` objects of networkx ``(u, v, edge)`` triples."""
    return [edge for _, _, edge in triples]


def _keyed_edges(keyed: Any) -> list[Edge]:
    """The :class:`Edge` objects of one networkx ``{key: {"edge": edge}}`` mapping."""
    return [data["edge"] for data in keyed.values()]


def _check_references(dataset: Dataset) -> None:
    """Refuse a dataset whose parties or edges repeat or whose edges or duties name no party."""
    ids = set(dataset.party_ids)
    problems: list[Problem] = []
    if len(ids) != len(dataset.parties):
        counts = Counter(party.id for party in dataset.parties)
        problems += [
            Problem(dataset.name, None, f"party id appears {count} times", party_id)
            for party_id, count in counts.items()
            if count > 1
        ]
    for edge in dataset.edges:
        for end in (edge.source, edge.target):
            if end not in ids:
                message = f"{edge.source} {edge.relation} {edge.target}: no party {end!r}"
                problems.append(Problem(dataset.name, None, message, end))
    keys = Counter((e.source, e.relation, e.target, e.scope) for e in dataset.edges)
    if len(keys) != len(dataset.edges):
        problems += [
            Problem(dataset.name, None, f"edge {key} appears {count} times", key[0])
            for key, count in keys.items()
            if count > 1
        ]
    problems += [
        Problem(dataset.name, None, f"responsibility {duty.code}: no party", duty.holder)
        for duty in dataset.responsibilities
        if duty.holder not in ids
    ]
    if problems:
        raise DatasetError(dataset.name, problems)
