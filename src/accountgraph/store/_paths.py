"""Bounded, ordered enumeration of simple paths for the embedded store.

The search finds simple paths from a start party to goal parties — one target, or every
party with no hop onwards (the tops of accountability, the last delegates) — in the
order the store protocol promises: by length, then by the sequence of parties, then by
the sequence of relations (then of scopes). Parties are numbers given in id order
(:mod:`accountgraph.store._adjacency`), so comparing numbers compares ids.

It works out, for a length ``L``, a lower bound on the hops still needed from every
party a path that long could pass through, and the longest length those bounds hold for:

* to one target, from a ball of parties around the start (up to ``f`` hops out) and one
  around the target (up to ``b`` hops back), grown the side with the smaller frontier
  first, as a bidirectional search grows them, until ``f + b >= L``: a party in neither
  ball is too far from one end or the other, and a path of length ``L`` passes through
  a party in both (until the balls share one, there is none). The bounds hold up to
  ``f + b``, for every length once a ball is closed. Once the balls meet, a side with a
  small frontier keeps growing, up to the longest length asked for: that costs less
  than walking the lengths one by one;
* to the parties with no hop onwards, from the ball of radius ``L`` around the start —
  or from nothing at all when every party's distance to the nearest of them is known in
  advance (queries about no particular day:
  :func:`~accountgraph.store._adjacency.hops_to_ends`).

A depth-first walk then lists the node sequences, children in id order, cutting every
branch whose depth plus that bound exceeds the longest length walked: its first walk
covers the shortest length worth trying alone, the next every length the bounds hold
for at once — the walk visits node sequences in id order whatever their length, so the
paths of each length come out in order, and once enough paths are found the longest
length walked shrinks to just below that of the last one. That second walk gets a few
thousand steps; past them it is dropped and the lengths are walked one at a time, each
walk entering only parties on some walk of that length to a goal.

Each node sequence is then expanded into one path per choice of parallel edges. Nothing
copies the graph; the work grows with the balls and the answer, not the graph.

Every hop looked at is a step, and a query stops after a budget of steps: on a dense
cyclic graph the walks could grow exponentially. Since every length is listed in order
before the next, an exhausted budget still returns a correct prefix of the full answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import TypeVar

Hop = tuple[int, tuple[int, ...]]
"""A step to a neighbour: its number and the edges leading there (their indices in the
dataset, ordered by relation, then scope)."""

Successors = Callable[[int], Iterable[Hop]]
"""The hops leaving a party, in the order of the neighbours' numbers: asked for again
each time they are needed, so either cheap to make or kept by the successors."""

Predecessors = Callable[[int], Iterable[int]]
"""The parties with a hop to a party, in any order."""

Distances = Callable[[int], int | None]
"""Hops still needed to a goal from a party; ``None`` where none can be reached."""

P = TypeVar("P")

Expand = Callable[[tuple[int, ...], tuple[tuple[int, ...], ...]], Sequence[P]]
"""Turns a node sequence and the parallel edges of each step into its paths, in order."""

Bounds = Callable[[int], tuple[Distances, int]]
"""For a length, a lower bound on the hops to a goal from each party a path that long
could pass through, and the longest length those bounds hold for (at least the one
asked for; :data:`EVERY_LENGTH` when they hold for all)."""

EVERY_LENGTH = 1 << 30
"""Longer than any path a query may ask for."""

DEFAULT_STEP_BUDGET = 2_000_000
"""How many hops one path query may look at before it settles for what it has found."""

AHEAD_STEPS = 4096
"""How many hops a walk over several lengths at once may look at before it is dropped
for walks of one length each."""

SMALL_FRONTIER = 16
"""Once the balls around both ends meet, a side whose frontier is no larger keeps
growing."""

_NOWHERE: Distances = dict[int, int]().get
_NEIGHBOUR = itemgetter(0)
_LENGTH = itemgetter(0)
_PATHS = itemgetter(1)


class HeldDistances(list[int | None]):
    """:data:`Distances` known in advance for every party, as a list (its
    ``__getitem__`` is the lookup)."""

    @classmethod
    def from_hops(cls, hops: Iterable[int]) -> HeldDistances:
        """From hops of -1 to 127, -1 where no goal can be reached."""
        return cls(map(_HELD.__getitem__, hops))


_HELD: tuple[int | None, ...] = (*range(128), None)
"""Indexed by hops from -1 to 127: the distance, ``None`` for -1."""


def scope_order(scope: str | None) -> tuple[bool, str]:
    """Unscoped edges before scoped ones, scopes alphabetically."""
    return (scope is not None, scope or "")


def paths_to(
    start: int,
    goal: int,
    successors: Successors,
    predecessors: Predecessors,
    expand: Expand[P],
    *,
    max_depth: int,
    max_paths: int,
    step_budget: int = DEFAULT_STEP_BUDGET,
) -> list[P]:
    """The first ``max_paths`` simple paths from ``start`` to ``goal``, in protocol order
    (``predecessors`` must follow the same edges as ``successors``, backwards)."""
    search = _Search(successors, step_budget)
    ahead = _Ball(start, search.onwards, search, record=True)
    behind = _Ball(goal, predecessors, search)
    met = False
    held: tuple[Distances, int] | None = None

    def bounds(length: int) -> tuple[Distances, int]:
        nonlocal met, held
        grown = False
        while not (ahead.closed or behind.closed or search.exhausted):
            radii = ahead.radius + behind.radius
            smaller = ahead if len(ahead.frontier) <= len(behind.frontier) else behind
            # One level more than a path of this length needs: then a path no longer
            # than it passes through a party of both balls, and until one exists there
            # is none.
            if radii >= length and (
                radii >= max_depth or (met and len(smaller.frontier) > SMALL_FRONTIER)
            ):
                break
            met = smaller.grow(behind if smaller is ahead else ahead) or met
            grown = True
        if held is None or grown:
            if ahead.closed or behind.closed:
                held = (_distances_to_goal(ahead, behind).get, EVERY_LENGTH)
            elif met:
                held = (_distances_to_goal(ahead, behind).get, ahead.radius + behind.radius)
            else:
                held = (_NOWHERE, ahead.radius + behind.radius)
        return held

    return _listed(start, search, bounds, expand, max_depth, max_paths)


def paths_to_ends(
    start: int,
    successors: Successors,
    expand: Expand[P],
    *,
    max_depth: int,
    max_paths: int,
    step_budget: int = DEFAULT_STEP_BUDGET,
    known: Distances | None = None,
) -> list[P]:
    """The first ``max_paths`` simple paths from ``start`` to a party with no hop
    onwards, in protocol order; ``start`` itself is never one.

    ``known``, when given, is every party's distance to the nearest such party (over the
    same hops), so that nothing needs sweeping: the walk goes straight down the paths.
    """
    search = _Search(successors, step_budget)
    if known is not None:
        least = known(start)
        if least is None or least > max_depth:
            return []
        found: list[P] = []
        if least < max_depth:  # the usual case: one walk over every length
            whole, _onwards = search.walk(
                start, known, least, max_depth, found, max_paths, expand, AHEAD_STEPS
            )
            if whole:
                return found
        every: tuple[Distances, int] = (known, EVERY_LENGTH)
        return _listed(start, search, lambda _length: every, expand, max_depth, max_paths)
    region = _Ball(start, search.onwards, search, record=True)
    nearest_end: int | None = None
    held: tuple[Distances, int] | None = None

    def bounds(length: int) -> tuple[Distances, int]:
        nonlocal nearest_end, held
        grown = False
        while not (region.closed or search.exhausted) and (
            region.radius < length
            or (
                region.radius < max_depth
                and (nearest_end is None or len(region.frontier) <= SMALL_FRONTIER)
            )
        ):
            region.grow()
            grown = True
            if nearest_end is None and not all(map(search.leads_on, region.frontier)):
                nearest_end = region.radius
        if held is None or grown:
            reach = EVERY_LENGTH if region.closed else region.radius
            if nearest_end is None:
                held = (_NOWHERE, reach)
            else:
                held = (_distances_to_ends(start, region, search).get, reach)
        return held

    return _listed(start, search, bounds, expand, max_depth, max_paths)


def _listed(
    start: int,
    search: _Search,
    bounds: Bounds,
    expand: Expand[P],
    max_depth: int,
    max_paths: int,
) -> list[P]:
    """The paths of each length from 1 to ``max_depth`` in turn, until ``max_paths``."""
    found: list[P] = []
    length = 1
    ahead = True
    while length <= max_depth and len(found) < max_paths and not search.exhausted:
        to_go, reach = bounds(length)
        least = to_go(start)
        if least is None or least > reach:
            length = reach + 1  # no path up to ``reach`` hops
            continue
        length = max(length, least)
        if length > max_depth:
            break
        longest = min(reach, max_depth)
        if ahead and length < longest:
            whole, onwards = search.walk(
                start, to_go, length, longest, found, max_paths, expand, AHEAD_STEPS
            )
            if whole:
                length = reach + 1 if onwards is None else min(onwards, reach + 1)
                continue
            ahead = False
        _whole, onwards = search.walk(start, to_go, length, length, found, max_paths, expand)
        length = reach + 1 if onwards is None else min(onwards, reach + 1)
    return found


def edge_choices(
    hops: Sequence[tuple[int, ...]], relation_of: Callable[[int], object]
) -> Iterable[tuple[int, ...]]:
    """One choice of edges per step for each path a node sequence stands for, ordered by
    the relations chosen, then the scopes (``hops`` holds each step's parallel edges in
    relation then scope order)."""
    if all(len(edges) == 1 for edges in hops):
        return (tuple(edges[0] for edges in hops),)
    by_relation = [
        [tuple(group) for _, group in itertools.groupby(edges, key=relation_of)] for edges in hops
    ]
    return itertools.chain.from_iterable(
        itertools.product(*relations) for relations in itertools.product(*by_relation)
    )


class _Search:
    """One query's traversal: its successors, the hops the balls have followed (which
    the walks come back to) and the budget left."""

    def __init__(self, successors: Successors, step_budget: int) -> None:
        self._successors = successors
        self._kept: dict[int, Sequence[Hop]] = {}
        self._steps_left = step_budget

    @property
    def exhausted(self) -> bool:
        return self._steps_left < 0

    def spend(self, steps: int) -> None:
        self._steps_left -= steps

    def onwards(self, party: int) -> Iterable[int]:
        hops = self._kept[party] = tuple(self._successors(party))
        return map(_NEIGHBOUR, hops)

    def leads_on(self, party: int) -> bool:
        """Whether ``party`` has a hop onwards."""
        return next(iter(self._successors(party)), None) is not None

    def walk(
        self,
        start: int,
        to_go: Distances,
        shortest: int,
        longest: int,
        found: list[P],
        max_paths: int,
        expand: Expand[P],
        allowance: int | None = None,
    ) -> tuple[bool, int | None]:
        """Append to ``found`` the paths from ``shortest`` to ``longest`` hops long, in
        order, up to ``max_paths`` in all, looking at no more than ``allowance`` hops.

        Returns whether the walk finished within its steps — if not, ``found`` holds a
        prefix of those paths when they are of one length, and is left as it was when
        they are of several — and the next length worth trying past ``longest``
        (``None`` if no branch reached past it).
        """
        successors, kept = self._successors, self._kept
        budget = self._steps_left if allowance is None else min(allowance, self._steps_left)
        steps = budget
        wanted = max_paths - len(found)
        several = longest > shortest
        counts = [0] * (longest - shortest + 1)  # paths found of each length
        got: list[tuple[int, Sequence[P]]] = []  # and each node sequence's, by length
        nodes = [start]
        on_path = {start}
        taken: list[tuple[int, ...]] = []
        hops = kept.get(start)
        stack = [iter(successors(start) if hops is None else hops)]
        onwards: int | None = None
        while stack:
            depth = len(nodes)
            for neighbour, edges in stack[-1]:
                steps -= 1
                if steps < 0:
                    break
                remaining = to_go(neighbour)
                if remaining is None:
                    continue
                reach = depth + remaining
                if reach > longest:
                    if onwards is None or reach < onwards:
                        onwards = reach
                    continue
                if remaining == 0:
                    if depth >= shortest:
                        paths = expand((*nodes, neighbour), (*taken, edges))
                        got.append((depth, paths))
                        place = depth - shortest
                        counts[place] += len(paths)
                        if sum(counts[: place + 1]) >= wanted:
                            # Any path of this length found from here on comes after
                            # those found so far.
                            longest = depth - 1
                            if longest < shortest:
                                break
                    continue
                if neighbour in on_path:
                    continue
                nodes.append(neighbour)
                on_path.add(neighbour)
                taken.append(edges)
                hops = kept.get(neighbour)
                stack.append(iter(successors(neighbour) if hops is None else hops))
                break
            else:
                stack.pop()
                on_path.discard(nodes.pop())
                if taken:
                    taken.pop()
                continue
            if steps < 0 or longest < shortest:
                break
        self._steps_left -= budget - steps
        whole = steps >= 0
        if (whole or not several) and got:
            if len(got) == 1 and len(got[0][1]) <= wanted:
                found += got[0][1]
            else:
                got.sort(key=_LENGTH)  # stable: in walk order within a length
                found += itertools.islice(itertools.chain.from_iterable(map(_PATHS, got)), wanted)
        return whole, onwards


class _Ball:
    """The parties within :attr:`radius` hops of a centre, grown one level at a time,
    and for each party the parties inside that lead to it (from those already grown)."""

    def __init__(
        self,
        centre: int,
        neighbours: Callable[[int], Iterable[int]],
        search: _Search,
        *,
        record: bool = False,
    ) -> None:
        self._neighbours = neighbours
        self._search = search
        self._record = record
        self.depth: dict[int, int] = {centre: 0}
        self.frontier: list[int] = [centre]
        self.radius = 0
        self.closed = False
        self.led_from: dict[int, list[int]] = {}

    def grow(self, other: _Ball | None = None) -> bool:
        """Add the parties one level further out, or close the ball if there are none;
        whether one of them lies in ``other``."""
        depth, led_from, record = self.depth, self.led_from, self._record
        reached: list[int] = []
        level = self.radius + 1
        steps = 0
        for party in self.frontier:
            for neighbour in self._neighbours(party):
                steps += 1
                if record:
                    sources = led_from.get(neighbour)
                    if sources is None:
                        led_from[neighbour] = [party]
                    else:
                        sources.append(party)
                if neighbour not in depth:
                    depth[neighbour] = level
                    reached.append(neighbour)
        self._search.spend(steps)
        self.frontier = reached
        if reached:
            self.radius = level
        else:
            self.closed = True
        return other is not None and any(map(other.depth.__contains__, reached))


def _distances_to_goal(ahead: _Ball, behind: _Ball) -> dict[int, int]:
    """Hops to the goal (the centre of ``behind``) from every party that can lie on a path
    no longer than the balls' radii together: exact inside ``behind``, and through
    ``ahead`` up to where the two meet.

    A party at the edge of ``ahead`` and outside ``behind`` is too far from both ends to
    lie on such a path, so only the hops ``ahead`` has already followed are needed.
    """
    to_go = dict(behind.depth)
    if behind.closed:  # nothing outside it leads to the goal
        return to_go
    inside, outside = (
        (ahead.depth, to_go) if len(ahead.depth) < len(to_go) else (to_go, ahead.depth)
    )
    led_from = ahead.led_from
    waiting: dict[int, list[int]] = {}
    for party in inside:
        if party in outside:
            distance = to_go[party] + 1
            waiting.setdefault(distance, []).extend(led_from.get(party, ()))
    distance = min(waiting, default=0)
    while waiting:
        for party in waiting.pop(distance, ()):
            if party not in to_go:
                to_go[party] = distance
                waiting.setdefault(distance + 1, []).extend(led_from.get(party, ()))
        distance += 1
    return to_go


def _distances_to_ends(start: int, region: _Ball, search: _Search) -> dict[int, int]:
    """Hops to the nearest party with no hop onwards, from every party of ``region`` that
    can reach one inside it (``start`` is never an end)."""
    ends = [party for party in region.depth if party != start and not search.leads_on(party)]
    search.spend(len(region.depth))
    to_go = dict.fromkeys(ends, 0)
    level = ends
    distance = 0
    while level:
        distance += 1
        reached = []
        for party in level:
            for source in region.led_from.get(party, ()):
                if source not in to_go:
                    to_go[source] = distance
                    reached.append(source)
        level = reached
    return to_go
