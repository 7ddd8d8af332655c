"""The embedded store: one dataset's graph held in memory, in compact arrays.

Everything a query needs is indexed once, so that a query touches only the parties it is
about, even in a graph of a million parties held in well under 2 GiB
(``bench/store_queries.py`` measures it):

* the parties numbered in id order and their edges, leaving and reaching each party, in
  arrays (:mod:`accountgraph.store._adjacency`); the edges themselves stay in the
  dataset and are referred to by their place in it;
* the numbers of each kind's parties in order, for paging with :mod:`bisect`;
* built at the first search (or by :meth:`MemoryStore.prepare`), an n-gram index of every
  id, alias and name (:mod:`accountgraph.store._search_index`);
* built at the first unknown id, the case-folded aliases, for "did you mean";
* worked out at the first chain or delegation asked about no particular day, every
  party's distance to the nearest top of accountability (or last delegate), so that those
  walks go straight to their ends (:func:`~accountgraph.store._adjacency.hops_to_ends`).

Path queries are delegated to :mod:`accountgraph.store._paths`, which bounds them.

Queries as of a day filter while they walk: the edges and parties a query meets are
checked against the day, the graph is never copied. The span of days on which everything
the store holds is valid is known from the start; a query about a day inside it (or about
no day) checks nothing, so a dataset where nothing is dated never pays for dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, compress, islice, repeat
from operator import attrgetter, eq, or_
from typing import Any

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
from accountgraph.store._adjacency import RELATION_CODE, Adjacency, EdgeRows, hops_to_ends
from accountgraph.store._paths import (
    DEFAULT_STEP_BUDGET,
    HeldDistances,
    Hop,
    Predecessors,
    Successors,
    edge_choices,
    paths_to,
    paths_to_ends,
    scope_order,
)
from accountgraph.store._search_index import SearchIndex
from accountgraph.store.base import (
    PartyPage,
    StoreStats,
    check_bounds,
    check_page_size,
    day_of,
    not_valid_on,
)
from accountgraph.suggest import SUGGESTION_POOL, closest, name_key, pool_around

SIMILARITY_CUTOFF = 0.6
"""How alike (difflib's ratio) an id must be to an unknown one to be suggested."""

_ACCOUNTABLE_TO = RELATION_CODE[Relation.ACCOUNTABLE_TO]
_DELEGATES_TO = RELATION_CODE[Relation.DELEGATES_TO]
_COUNT_CACHE_SIZE = 256
_BLANK = re.compile(r"\s")


class MemoryStore:
    """A :class:`~accountgraph.store.base.GraphStore` over a dataset held in memory.

    ``step_budget`` caps how many hops one path query may look at (see
    :mod:`accountgraph.store._paths`); the default suits graphs of millions of parties.
    """

    def __init__(self, dataset: Dataset, *, step_budget: int = DEFAULT_STEP_BUDGET) -> None:
        self._dataset = dataset
        self._step_budget = step_budget
        self._parties: list[Party] = sorted(dataset.parties, key=attrgetter("id"))
        """The parties in id order: party number ``i`` is ``_parties[i]``."""
        try:
            self._adjacency = Adjacency(map(attrgetter("id"), self._parties), dataset.edges)
        except (KeyError, ValueError):
            _check_references(dataset)
            raise
        self._ids = self._adjacency.ids
        self._number = self._adjacency.number
        if len(self._number) != len(self._ids) or not all(
            map(self._number.__contains__, map(attrgetter("holder"), dataset.responsibilities))
        ):
            _check_references(dataset)
        kinds = list(map(attrgetter("kind"), self._parties))
        self._numbers_by_kind: dict[PartyKind, array[int]] = {
            kind: array("i", compress(range(len(kinds)), map(eq, kinds, repeat(kind))))
            for kind in set(kinds)
        }
        del kinds
        self._duties: dict[str, list[Responsibility]] = {}
        for duty in dataset.responsibilities:
            self._duties.setdefault(duty.holder, []).append(duty)
        # Every party, edge and duty is valid from _all_from to _all_to (open when None).
        validities = [
            *map(attrgetter("validity"), dataset.parties),
            *map(attrgetter("validity"), dataset.edges),
            *map(attrgetter("validity"), dataset.responsibilities),
        ]
        starts = set(map(attrgetter("valid_from"), validities)) - {None}
        ends = set(map(attrgetter("valid_to"), validities)) - {None}
        del validities
        self._all_from: dt.date | None = max(starts) if starts else None
        self._all_to: dt.date | None = min(ends) if ends else None
        self._count_cache: dict[tuple[PartyKind | None, str, dt.date | None], int] = {}
        self._search: SearchIndex | None = None
        self._end_distances: dict[tuple[int, str | None], HeldDistances] = {}
        self._aliases: dict[str, list[int]] | None = None
        self._graph: Any = None

    @property
    def dataset(self) -> Dataset:
        """The dataset this store was built from."""
        return self._dataset

    @property
    def graph(self) -> Any:
        """The graph as a frozen :class:`networkx.MultiDiGraph` keyed by party id, each
        edge keyed by ``(relation, scope)`` and carrying its :class:`Edge` as ``edge``,
        for analyses beyond the protocol. Built at the first use: the store does not
        need it."""
        if self._graph is None:
            import networkx as nx

            graph = nx.MultiDiGraph(name=self._dataset.name)
            graph.add_nodes_from(self._ids)
            graph.add_edges_from(
                (edge.source, edge.target, (edge.relation, edge.scope), {"edge": edge})
                for edge in self._dataset.edges
            )
            self._graph = nx.freeze(graph)
        return self._graph

    @property
    def step_budget(self) -> int:
        """How many hops one path query may look at."""
        return self._step_budget

    def prepare(self) -> None:
        """Build now what the first search, unknown id, chain or delegation would
        otherwise build on the way to its answer (a delegation of one scope still waits
        for its first query): a server does this once, after loading, before it forks
        workers that share the store and moves it out of the garbage collector's sight.
        """
        self._search_index()
        self._alias_index()
        for relation in (Relation.ACCOUNTABLE_TO, Relation.DELEGATES_TO):
            self._hops_to_ends(RELATION_CODE[relation], None)

    async def stats(self) -> StoreStats:
        return StoreStats(
            dataset=self._dataset.name,
            parties=len(self._ids),
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
        start = 0 if after is None else bisect.bisect_right(self._ids, after)
        chosen: list[Party] = []
        for number in self._candidates(kind, search, day, start):
            if len(chosen) == first:
                return PartyPage(tuple(chosen), has_next=True)
            chosen.append(self._parties[number])
        return PartyPage(tuple(chosen), has_next=False)

    async def count_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        day = self._day(as_of)
        if not search and day is None:
            return len(self._ids) if kind is None else len(self._numbers_by_kind.get(kind, ()))
        key = (kind, search.casefold() if search else "", day)
        count = self._count_cache.get(key)
        if count is None:
            count = sum(1 for _ in self._candidates(kind, search, day, 0))
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
        party = self._require(party_id, day)
        codes = None if relations is None else sorted({RELATION_CODE[r] for r in relations})
        found: list[tuple[int, int, int, int]] = []  # (relation, far end, source, edge)
        if direction in (Direction.OUT, Direction.BOTH):
            rows = self._adjacency.out
            found += (
                (rows.relations[k], rows.far[k], party, rows.edges[k])
                for k in _positions(rows, party, codes)
            )
        if direction in (Direction.IN, Direction.BOTH):
            rows = self._adjacency.into
            found += (
                (rows.relations[k], rows.far[k], rows.far[k], rows.edges[k])
                for k in _positions(rows, party, codes)
                if direction is Direction.IN or rows.far[k] != party
            )
        every = self._dataset.edges
        if direction is Direction.BOTH:
            found.sort(key=lambda row: (*row[:3], scope_order(every[row[3]].scope)))
        edges = [every[row[3]] for row in found]
        if day is not None:
            edges = [edge for edge in edges if self._edge_holds(edge, day)]
        return edges

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
        party = self._require(party_id, day)
        if day is not None and not self._holds(party, day):
            return []
        code = RELATION_CODE[relation]
        sides = []
        if direction in (Direction.OUT, Direction.BOTH):
            sides.append(self._adjacency.out)
        if direction in (Direction.IN, Direction.BOTH):
            sides.append(self._adjacency.into)
        every = self._dataset.edges
        seen = {party}
        frontier = [party]
        ordered: list[int] = []
        while frontier:
            reached: set[int] = set()
            for number in frontier:
                for rows in sides:
                    low, high = rows.relation_span(number, code)
                    if day is None:
                        reached.update(rows.far[low:high])
                        continue
                    for k in range(low, high):
                        if self._leads_on(every[rows.edges[k]], rows.far[k], day):
                            reached.add(rows.far[k])
            frontier = sorted(reached - seen)
            seen.update(frontier)
            ordered += frontier
            if not transitive:
                break
        return [self._parties[number] for number in ordered]

    async def responsibilities(
        self, holder_id: str, *, as_of: dt.date | None = None
    ) -> list[Responsibility]:
        day = self._day(as_of)
        holder = self._require(holder_id, day)
        if day is not None and not self._holds(holder, day):
            return []
        duties = self._duties.get(holder_id, ())
        if day is None:
            return list(duties)
        return [duty for duty in duties if duty.validity.holds_on(day)]

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
        day = None if as_of is None else self._day(as_of)
        start = self._require_valid(party_id, day)
        return self._paths_to_ends(start, _ACCOUNTABLE_TO, None, day, max_depth, max_paths)

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
        day = None if as_of is None else self._day(as_of)
        start = self._require_valid(party_id, day)
        return self._paths_to_ends(start, _DELEGATES_TO, scope, day, max_depth, max_paths)

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
        day = None if as_of is None else self._day(as_of)
        start = self._require_valid(from_id, day)
        goal = self._require_valid(to_id, day)
        if start == goal or (relations is not None and not relations):
            return []
        codes = None if relations is None else tuple(sorted({RELATION_CODE[r] for r in relations}))
        return paths_to(
            start,
            goal,
            self._successors(codes, None, day),
            self._predecessors(codes, day),
            self._expand,
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

    def _holds(self, number: int, day: dt.date) -> bool:
        return self._parties[number].validity.holds_on(day)

    def _edge_holds(self, edge: Edge, day: dt.date) -> bool:
        number = self._number
        return (
            edge.validity.holds_on(day)
            and self._holds(number[edge.source], day)
            and self._holds(number[edge.target], day)
        )

    def _leads_on(self, edge: Edge, other: int, day: dt.date) -> bool:
        """Whether ``edge``, from a party valid on ``day``, leads to ``other`` that day."""
        return edge.validity.holds_on(day) and self._holds(other, day)

    def _party_on(self, party_id: str, day: dt.date | None) -> Party | None:
        party = self._dataset.party(party_id)
        if party is None or day is None or party.validity.holds_on(day):
            return party
        return None

    def _require(self, party_id: str, day: dt.date | None = None) -> int:
        """The party's number; :class:`UnknownPartyError` unless the store holds it
        (suggesting ids of parties valid on ``day``)."""
        number = self._number.get(party_id)
        if number is None:
            raise UnknownPartyError(party_id, self._suggest(party_id, 3, day))
        return number

    def _require_valid(self, party_id: str, day: dt.date | None) -> int:
        """As :meth:`_require`, and the party must take part on ``day``."""
        number = self._number.get(party_id)
        if number is None:
            number = self._require(party_id, day)
        if day is not None and not self._holds(number, day):
            raise not_valid_on(self._parties[number], day)
        return number

    def _candidates(
        self, kind: PartyKind | None, search: str | None, day: dt.date | None, start: int
    ) -> Iterator[int]:
        """The parties from number ``start`` on of ``kind``, matching ``search``, valid on
        ``day``, in order."""
        if search:
            found: Iterable[int] = self._search_index().matches(search, start)
            if kind is not None:
                parties = self._parties
                found = (number for number in found if parties[number].kind is kind)
        elif kind is None:
            found = range(start, len(self._ids))
        else:
            numbers = self._numbers_by_kind.get(kind, array("i"))
            at = bisect.bisect_left(numbers, start)
            found = map(numbers.__getitem__, range(at, len(numbers)))
        if day is None:
            return iter(found)
        return (number for number in found if self._holds(number, day))

    def _search_index(self) -> SearchIndex:
        if self._search is None:
            self._search = SearchIndex(self._parties)
        return self._search

    def _alias_index(self) -> dict[str, list[int]]:
        """The parties by each alias's key (:func:`name_key`), and by their id's key where
        that is not the case-folded id."""
        if self._aliases is None:
            aliases: dict[str, list[int]] = {}
            parties = self._parties
            named = map(attrgetter("aliases"), parties)
            spaced = map(_BLANK.search, self._ids)
            for number in compress(
                range(len(parties)), map(or_, map(bool, named), map(bool, spaced))
            ):
                party = parties[number]
                keys = {name_key(alias) for alias in party.aliases}
                if _BLANK.search(party.id):
                    keys.add(name_key(party.id))
                for key in keys:
                    aliases.setdefault(key, []).append(number)
            self._aliases = aliases
        return self._aliases

    def _suggest(self, party_id: str, limit: int, day: dt.date | None = None) -> list[str]:
        """Ids for "did you mean", looked for among a bounded pool of candidates: the ids
        and aliases with the same key, the ids nearest in sorted order, and the ids that
        contain the unknown one."""
        if limit <= 0:
            return []

        def valid(numbers: Iterable[int]) -> list[int]:
            return list(numbers) if day is None else [n for n in numbers if self._holds(n, day)]

        ids = self._ids
        key = name_key(party_id)
        folded = party_id.casefold()
        search = self._search_index()
        named = [*self._alias_index().get(key, ())]
        if key:
            candidates = islice(search.matches(key), SUGGESTION_POOL)
            named += (n for n in candidates if ids[n].casefold() == key)
        picks = dict.fromkeys(ids[number] for number in valid(named))
        around = pool_around(range(len(ids)), bisect.bisect_left(ids, party_id))
        pool = [ids[number] for number in valid(around)]
        picks.update(dict.fromkeys(closest(party_id, pool, limit=limit, cutoff=SIMILARITY_CUTOFF)))
        if folded and len(picks) < limit:
            for number in islice(search.matches(folded), SUGGESTION_POOL):
                if folded in ids[number].casefold() and valid((number,)):
                    picks[ids[number]] = None
                    if len(picks) >= limit:
                        break
        return list(picks)[:limit]

    def _paths_to_ends(
        self,
        start: int,
        code: int,
        scope: str | None,
        day: dt.date | None,
        max_depth: int,
        max_paths: int,
    ) -> list[Path]:
        """Paths along the relation ``code`` (of ``scope``) to parties with none onwards;
        undated, the distances to them are known once for all queries."""
        known: HeldDistances | None = None
        if day is None and scope is None:
            known = self._end_distances.get((code, None)) or self._hops_to_ends(code, None)
            successors = self._adjacency.leaving(code)
        else:
            if day is None:
                known = self._hops_to_ends(code, scope)
            successors = self._successors((code,), scope, day)
        return paths_to_ends(
            start,
            successors,
            self._expand,
            max_depth=max_depth,
            max_paths=max_paths,
            step_budget=self._step_budget,
            known=None if known is None else known.__getitem__,
        )

    def _hops_to_ends(self, code: int, scope: str | None) -> HeldDistances:
        """Every party's distance along the relation ``code`` (of ``scope``) to a party
        with no such edge onwards, worked out at the first query that needs it."""
        known = self._end_distances.get((code, scope))
        if known is None:
            every = self._dataset.edges
            keep = None if scope is None else (lambda edge: every[edge].scope == scope)
            known = HeldDistances.from_hops(hops_to_ends(self._adjacency, code, keep))
            self._end_distances[code, scope] = known
            self._adjacency.leaving(code)  # the table the walks to the ends go through
        return known

    def _successors(
        self, codes: Sequence[int] | None, scope: str | None, day: dt.date | None
    ) -> Successors:
        """The hops leaving a party over the relations ``codes`` (all when ``None``), of
        ``scope``, valid on ``day`` with the parties they reach (a walk starts at a party
        valid that day, so it only ever leaves one), in the order of those parties."""
        if codes is not None and len(codes) == 1 and scope is None and day is None:
            return self._adjacency.leaving(codes[0])
        step = self._stepper(self._adjacency.out, codes, scope, day)
        one = codes is not None and len(codes) == 1
        order = None if one else self._adjacency.out.far.__getitem__
        kept: dict[int, Sequence[Hop]] = {}  # for this query's walks, which come back

        def by_far_end(number: int) -> Sequence[Hop]:
            hops = kept.get(number)
            if hops is None:
                hops = kept[number] = step(number, order)
            return hops

        return by_far_end

    def _predecessors(self, codes: Sequence[int] | None, day: dt.date | None) -> Predecessors:
        """The parties with a hop to a party, as :meth:`_successors` goes, backwards."""
        if codes is not None and len(codes) == 1 and day is None:
            return self._adjacency.reaching(codes[0])
        step = self._stepper(self._adjacency.into, codes, None, day)

        def leading_here(number: int) -> Iterator[int]:
            return (far for far, _edges in step(number))

        return leading_here

    def _stepper(
        self, rows: EdgeRows, codes: Sequence[int] | None, scope: str | None, day: dt.date | None
    ) -> Callable[..., Sequence[Hop]]:
        """The hops over ``rows`` from a party, filtered as :meth:`_successors` says, in
        table order or sorted by ``order`` (of a position in the table)."""
        every = self._dataset.edges
        edges, far = rows.edges, rows.far
        wanted = None if codes is None else frozenset(codes)
        single = codes[0] if codes is not None and len(codes) == 1 else None

        def step(number: int, order: Callable[[int], int] | None = None) -> Sequence[Hop]:
            positions: Iterable[int] = _positions(
                rows, number, codes if single is not None else None
            )
            if order is not None:
                positions = sorted(positions, key=order)
            hops: list[Hop] = []
            last = -1
            for k in positions:
                if wanted is not None and single is None and rows.relations[k] not in wanted:
                    continue
                edge = edges[k]
                if scope is not None and every[edge].scope != scope:
                    continue
                other = far[k]
                if day is not None and not self._leads_on(every[edge], other, day):
                    continue
                if other == last:
                    hops[-1] = (other, (*hops[-1][1], edge))
                else:
                    hops.append((other, (edge,)))
                    last = other
            return hops

        return step

    def _expand(self, nodes: tuple[int, ...], hops: tuple[tuple[int, ...], ...]) -> Sequence[Path]:
        every = self._dataset.edges
        names = tuple(map(self._ids.__getitem__, nodes))
        edges = tuple(map(every.__getitem__, chain.from_iterable(hops)))
        if len(edges) == len(hops):  # one edge each step
            return (Path(names, edges),)
        return [
            Path(names, tuple(map(every.__getitem__, chosen)))
            for chosen in edge_choices(hops, self._relation_of)
        ]

    def _relation_of(self, edge: int) -> Relation:
        return self._dataset.edges[edge].relation


def _positions(rows: EdgeRows, party: int, codes: Sequence[int] | None) -> Iterable[int]:
    """Where the edges of ``party`` (with the relations ``codes``, in order) lie in ``rows``."""
    if codes is None:
        return range(*rows.span(party))
    if len(codes) == 1:
        return range(*rows.relation_span(party, codes[0]))
    return [k for code in codes for k in range(*rows.relation_span(party, code))]


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
