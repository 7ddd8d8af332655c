"""Parties numbered in id order, and their edges in compact arrays.

Each party id is interned once: the party with the ``i``-th smallest id is party ``i``,
so comparing two numbers compares the ids, and sequences of numbers sort as their
sequences of ids do. Edges stay where the dataset holds them (one tuple,
:attr:`Dataset.edges <accountgraph.model.Dataset.edges>`) and are referred to by their
place in it.

Each direction (the edges leaving each party, the edges reaching it) is one table in
compressed sparse row form: party ``p``'s edges are the entries ``offsets[p]`` up to
``offsets[p + 1]`` of three parallel arrays (edge, party at the far end, relation),
ordered by relation, then the far end, then scope — the order the store answers in — so
that one relation's edges of a party are one run, found by bisection. That is four bytes
per party and nine per edge in each direction, and no Python object per edge but the
dataset's own.

The tables are built by sorting, in C, one number per edge that encodes its sort key;
per-edge work in Python bytecode would cost a million parties several seconds more.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, filterfalse, islice, repeat
from operator import add, attrgetter, eq, mul, sub

from accountgraph.model import Edge, Relation
from accountgraph.store._paths import Hop

RELATIONS: tuple[Relation, ...] = tuple(sorted(Relation, key=lambda r: r.value))
"""The relations in the order edges are listed in (their names' order): a relation's
code is its place here."""

RELATION_CODE: dict[Relation, int] = {relation: code for code, relation in enumerate(RELATIONS)}

_EXACT_FLOAT = 2**53
"""Below this, a float holds every integer exactly (and floats sort fastest)."""


@dataclass(frozen=True, slots=True)
class EdgeRows:
    """The edges of every party in one direction (see the module's docstring)."""

    offsets: array[int]
    edges: array[int]
    far: array[int]
    relations: array[int]

    def span(self, party: int) -> tuple[int, int]:
        """Where the edges of ``party`` lie in the arrays."""
        offsets = self.offsets
        return offsets[party], offsets[party + 1]

    def relation_span(self, party: int, code: int) -> tuple[int, int]:
        """Where the edges of ``party`` with the relation ``code`` lie in the arrays."""
        offsets, relations = self.offsets, self.relations
        low, high = offsets[party], offsets[party + 1]
        if low == high:
            return low, low
        return bisect_left(relations, code, low, high), bisect_right(relations, code, low, high)


class Adjacency:
    """Every party numbered, and the edges leaving (:attr:`out`) and reaching
    (:attr:`into`) each one.

    Raises :class:`KeyError` when an edge names a party not among ``party_ids``, and
    :class:`ValueError` when two edges share a key (source, relation, target, scope);
    the store then reports every such problem the slow way.
    """

    def __init__(self, party_ids: Iterable[str], edges: Sequence[Edge]) -> None:
        self.ids: list[str] = sorted(party_ids)
        """Party ids in order: party ``i`` is ``ids[i]``."""
        self.number: dict[str, int] = dict(zip(self.ids, range(len(self.ids)), strict=True))
        """Each id's number."""
        count = len(self.ids)
        number = self.number.__getitem__
        sources = array("i", map(number, map(attrgetter("source"), edges)))
        targets = array("i", map(number, map(attrgetter("target"), edges)))
        relations = array("B", map(RELATION_CODE.__getitem__, map(attrgetter("relation"), edges)))
        scopes = set(map(attrgetter("scope"), edges)) - {None}
        rank: dict[str | None, int] = {None: 0}
        rank.update((scope, place) for place, scope in enumerate(sorted(scopes), start=1))
        ranks = array("I", map(rank.__getitem__, map(attrgetter("scope"), edges)))
        kinds = len(RELATIONS)
        scoped = len(rank)
        # Leaving: by source, relation, target, scope, encoded in one number per edge.
        exact = count * kinds * count * scoped < _EXACT_FLOAT
        unit: float = 1.0 if exact else 1
        keyed: Iterator[float] = map(mul, sources, repeat(unit * kinds))
        keyed = map(add, map(mul, map(add, keyed, relations), repeat(count)), targets)
        keyed = map(add, map(mul, keyed, repeat(scoped)), ranks)
        keys: Sequence[float] = array("d", keyed) if exact else list(keyed)
        leaving = sorted(range(len(keys)), key=keys.__getitem__)
        ordered = array("d", map(keys.__getitem__, leaving)) if exact else sorted(keys)
        if any(map(eq, ordered, islice(ordered, 1, None))):
            raise ValueError("two edges have the same source, relation, target and scope")
        del keys, ordered
        # Reaching: a stable sort of that order by target and relation keeps each run of
        # one target's edges of one relation in source, then scope order.
        by_target = array("q", map(add, map(mul, targets, repeat(kinds)), relations))
        reaching = sorted(leaving, key=by_target.__getitem__)
        del by_target
        self.out: EdgeRows = _rows(leaving, sources, targets, relations, count)
        """The edges leaving each party."""
        self.into: EdgeRows = _rows(reaching, targets, sources, relations, count)
        """The edges reaching each party."""

        self._leaving: dict[int, Callable[[int], Iterable[Hop]]] = {}
        self._reaching: dict[int, Callable[[int], Sequence[int]]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def leaving(self, code: int) -> Callable[[int], Iterable[Hop]]:
        """For a party, each party one edge of the relation ``code`` leads to, in number
        order, with those edges (in scope order): made as they are read, at each call.

        The first call for a relation copies its edges out of :attr:`out` into a table
        of their own (a few bytes per party and per edge of it), so that no call needs
        to search a party's edges for the relation's.
        """
        hops = self._leaving.get(code)
        if hops is None:
            hops = self._leaving[code] = _one_relation_hops(self.out, code)
        return hops

    def reaching(self, code: int) -> Callable[[int], Sequence[int]]:
        """For a party, the parties with an edge of the relation ``code`` to it, in
        number order (once per edge)."""
        sources = self._reaching.get(code)
        if sources is None:
            sources = self._reaching[code] = _one_relation_ends(self.into, code)
        return sources


def _one_relation_hops(rows: EdgeRows, code: int) -> Callable[[int], Iterable[Hop]]:
    """:meth:`Adjacency.leaving` over ``rows``."""
    wide = rows.edges.typecode
    chosen = array(
        wide, compress(range(len(rows.relations)), map(eq, rows.relations, repeat(code)))
    )
    offsets = array(wide, map(bisect_left, repeat(chosen), rows.offsets))
    far = array("i", map(rows.far.__getitem__, chosen))
    edges = array(wide, map(rows.edges.__getitem__, chosen))
    del chosen
    same_far = compress(range(len(far) - 1), map(eq, far, islice(far, 1, None)))
    # k and k + 1 are one party's edges unless a party's edges start at k + 1.
    if not any(offsets[bisect_right(offsets, k)] > k + 1 for k in same_far):

        def hops(party: int) -> Iterable[Hop]:
            low, high = offsets[party], offsets[party + 1]
            if low == high:
                return ()
            return zip(far[low:high], zip(edges[low:high]))  # noqa: B905 (equal lengths)

        return hops

    def merged_hops(party: int) -> Iterable[Hop]:
        low, high = offsets[party], offsets[party + 1]
        if low == high:
            return ()
        return _merged(list(zip(far[low:high], zip(edges[low:high]), strict=True)))

    return merged_hops


def _merged(hops: Sequence[Hop]) -> list[Hop]:
    """``hops`` with the edges of consecutive hops to the same party joined."""
    merged: list[Hop] = []
    for party, edges in hops:
        if merged and merged[-1][0] == party:
            merged[-1] = (party, merged[-1][1] + edges)
        else:
            merged.append((party, edges))
    return merged


def _one_relation_ends(rows: EdgeRows, code: int) -> Callable[[int], Sequence[int]]:
    """:meth:`Adjacency.reaching` over ``rows``."""
    offsets, relations, far = rows.offsets, rows.relations, rows.far

    def ends(party: int) -> Sequence[int]:
        low, high = offsets[party], offsets[party + 1]
        if low == high:
            return ()
        first = bisect_left(relations, code, low, high)
        return far[first : bisect_right(relations, code, first, high)]

    return ends


def _rows(
    order: list[int], near: array[int], far: array[int], relations: array[int], parties: int
) -> EdgeRows:
    """The table of the edges in ``order`` (sorted by their ``near`` end) by that end."""
    wide = "q" if len(order) >= 2**31 else "i"
    near_ordered = array("i", map(near.__getitem__, order))
    return EdgeRows(
        offsets=array(wide, map(bisect_left, repeat(near_ordered), range(parties + 1))),
        edges=array(wide, order),
        far=array("i", map(far.__getitem__, order)),
        relations=array("B", map(relations.__getitem__, order)),
    )


NO_END = -1
"""In :func:`hops_to_ends`: no party without an edge onwards can be reached."""

_MOST_HOPS = 127


def hops_to_ends(
    adjacency: Adjacency, code: int, keep: Callable[[int], bool] | None = None
) -> array[int]:
    """For every party, the fewest hops along edges of the relation ``code`` (those whose
    index ``keep`` takes) to a party with no such edge onwards — 0 for such a party,
    :data:`NO_END` where none can be reached, at most 127.

    A breadth-first search backwards from all those parties at once, one level at a
    time: a large level is followed by one pass over all the relation's edges, in C; a
    small one edge by edge, so that a long chain does not cost a pass per level.
    """
    into = adjacency.into
    count = len(adjacency)
    chosen = array("i", compress(range(len(into.edges)), map(eq, into.relations, repeat(code))))
    if keep is not None:
        chosen = array("i", compress(chosen, map(keep, map(into.edges.__getitem__, chosen))))
    sources = array("i", map(into.far.__getitem__, chosen))
    targets = array("i", map(_rows_of(into).__getitem__, chosen))
    hops = array("b", [NO_END]) * count
    level = list(filterfalse(set(sources).__contains__, range(count)))
    for party in level:
        hops[party] = 0
    distance = 0
    while level and distance < _MOST_HOPS:
        distance += 1
        if len(level) * 16 > len(chosen):
            reached = set(level)
            leading = set(compress(sources, map(reached.__contains__, targets)))
        else:
            leading = set()
            for party in level:
                low, high = into.relation_span(party, code)
                for k in range(low, high):
                    if keep is None or keep(into.edges[k]):
                        leading.add(into.far[k])
        level = [party for party in leading if hops[party] == NO_END]
        for party in level:
            hops[party] = distance
    return hops


def _rows_of(rows: EdgeRows) -> array[int]:
    """The party each entry of ``rows`` belongs to."""
    offsets = rows.offsets
    counts = map(sub, islice(offsets, 1, None), offsets)
    return array("i", chain.from_iterable(map(repeat, range(len(offsets) - 1), counts)))
