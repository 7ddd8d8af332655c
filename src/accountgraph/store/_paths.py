"""Bounded, ordered enumeration of simple paths for the embedded store.

The search finds simple paths from a start party to goal parties — one target, or every
party with no hop onwards (the tops of accountability, the last delegates) — in the
order the store protocol promises: by length, then by the sequence of parties, then by
the sequence of relations (then of scopes). Parties are numbers given in id order
(:mod:`accountgraph.store._adjacency`), so comparing numbers compares ids.

It goes one length ``L`` at a time, from 1 to ``max_depth``, and for each:

1. it makes sure it knows every party a path of length ``L`` could pass through. To one
   target, that is a ball of parties around the start (up to ``f`` hops out) and one
   around the target (up to ``b`` hops back), grown the side with the smaller frontier
   first, as a bidirectional search grows them, until ``f + b >= L``: a party in neither
   ball is too far from one end or the other, and a path of length ``L`` passes through
   a party in both (until the balls share one, there is none). To the parties with no
   hop onwards, it is the ball of radius ``L`` around the start — or nothing at all when
   every party's distance to the nearest of them is known in advance (queries about no
   particular day: :func:`~accountgraph.store._adjacency.hops_to_ends`);
2. it gives every party in there its distance to the nearest goal through them — a lower
   bound on the hops a path through it still needs;
3. a depth-first walk lists the node sequences of length exactly ``L``, children in id
   order, cutting every branch whose depth plus that bound exceeds ``L``. The walk thus
   only ever enters parties that lie on some walk of that length to a goal.

Each node sequence is then expanded into one path per choice of parallel edges. Nothing
copies the graph; the work grows with the balls and the answer, not the graph.

Every hop looked at is a step, and a query stops after a budget of steps: on a dense
cyclic graph the walks could grow exponentially. Since every length is listed in order
before the next, an exhausted budget still returns a correct prefix of the full answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

Hop = tuple[int, tuple[int, ...]]
"""A step to a neighbour: its number and the edges leading there (their indices in the
dataset, ordered by relation, then scope)."""

Successors = Callable[[int], Sequence[Hop]]
"""The hops leaving a party, in the order of the neighbours' numbers."""

Predecessors = Callable[[int], Iterable[int]]
"""The parties with a hop to a party, in any order."""

P = TypeVar("P")

Expand = Callable[[tuple[int, ...], tuple[tuple[int, ...], ...]], Iterator[P]]
"""Turns a node sequence and the parallel edges of each step into paths."""


class Distances(Protocol):
    """Hops still needed to a goal from a party; ``None`` where none can be reached."""

    def get(self, party: int, /) -> int | None: ...


class HeldDistances:
    """:class:`Distances` known in advance for every party, ``-1`` where none."""

    __slots__ = ("_hops",)

    def __init__(self, hops: Sequence[int]) -> None:
        self._hops = hops

    def get(self, party: int, /) -> int | None:
        hops = self._hops[party]
        return None if hops < 0 else hops


Bounds = Callable[[int], tuple[Distances, bool]]
"""For a length, a lower bound on the hops to a goal from each party a path that long
could pass through, and whether those bounds hold for every length."""

DEFAULT_STEP_BUDGET = 2_000_000
"""How many hops one path query may look at before it settles for what it has found."""


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

    def bounds(length: int) -> tuple[Distances, bool]:
        nonlocal met
        # One level more than a path of this length needs: then a path no longer than
        # it passes through a party of both balls, and until one exists there is none.
        while not (ahead.closed or behind.closed) and ahead.radius + behind.radius < length:
            if len(ahead.frontier) <= len(behind.frontier):
                met = ahead.grow(behind) or met
            else:
                met = behind.grow(ahead) or met
        settled = ahead.closed or behind.closed
        if not (met or settled):
            return {}, False
        return _distances_to_goal(ahead, behind), settled

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
        return _listed(start, search, lambda _length: (known, True), expand, max_depth, max_paths)
    region = _Ball(start, search.onwards, search, record=True)
    nearest_end: int | None = None

    def bounds(length: int) -> tuple[Distances, bool]:
        nonlocal nearest_end
        while not region.closed and region.radius < length:
            region.grow()
            if nearest_end is None and any(not search.hops(p) for p in region.frontier):
                nearest_end = region.radius
        if nearest_end is None or nearest_end > length:
            return {}, region.closed and nearest_end is None
        return _distances_to_ends(start, region, search), region.closed

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
    final: Distances | None = None
    length = 1
    while length <= max_depth and not search.exhausted:
        if final is None:
            to_go, settled = bounds(length)
            if settled:
                final = to_go
        else:
            to_go = final
        least = to_go.get(start)
        if least is None or least > length:
            if final is None:
                length += 1
            elif least is None:
                break
            else:
                length = least
            continue
        onwards = search.walk(start, to_go, length, found, max_paths, expand)
        if len(found) >= max_paths:
            break
        if final is None:
            length += 1
        elif onwards is None:
            break
        else:
            length = onwards
    return found[:max_paths]


def edge_choices(
    hops: Sequence[tuple[int, ...]], relation_of: Callable[[int], object]
) -> Iterator[tuple[int, ...]]:
    """One choice of edges per step for each path a node sequence stands for, ordered by
    the relations chosen, then the scopes (``hops`` holds each step's parallel edges in
    relation then scope order)."""
    if all(len(edges) == 1 for edges in hops):
        yield tuple(edges[0] for edges in hops)
        return
    by_relation = [
        [tuple(group) for _, group in itertools.groupby(edges, key=relation_of)] for edges in hops
    ]
    for relations in itertools.product(*by_relation):
        yield from itertools.product(*relations)


class _Search:
    """One query's traversal state: the hops seen so far and the budget left."""

    def __init__(self, successors: Successors, step_budget: int) -> None:
        self._successors = successors
        self._hops: dict[int, Sequence[Hop]] = {}
        self._steps_left = step_budget

    @property
    def exhausted(self) -> bool:
        return self._steps_left < 0

    def spend(self, steps: int) -> None:
        self._steps_left -= steps

    def hops(self, party: int) -> Sequence[Hop]:
        hops = self._hops.get(party)
        if hops is None:
            hops = self._hops[party] = self._successors(party)
        return hops

    def onwards(self, party: int) -> Iterator[int]:
        return (neighbour for neighbour, _edges in self.hops(party))

    def walk(
        self,
        start: int,
        to_go: Distances,
        length: int,
        found: list[P],
        max_paths: int,
        expand: Expand[P],
    ) -> int | None:
        """Append to ``found`` the paths exactly ``length`` long, in order.

        Returns the next length worth trying, or ``None`` if no longer path can exist.
        """
        nodes = [start]
        on_path = {start}
        hop_edges: list[tuple[int, ...]] = []
        stack: list[Iterator[Hop]] = [iter(self.hops(start))]
        next_length: int | None = None
        while stack:
            hop = next(stack[-1], None)
            if hop is None:
                stack.pop()
                on_path.discard(nodes.pop())
                if hop_edges:
                    hop_edges.pop()
                continue
            self._steps_left -= 1
            if self._steps_left < 0:
                return None
            neighbour, edges = hop
            remaining = to_go.get(neighbour)
            if remaining is None or neighbour in on_path:
                continue
            depth = len(nodes)
            if depth + remaining > length:
                if next_length is None or depth + remaining < next_length:
                    next_length = depth + remaining
                continue
            if remaining == 0:
                if depth == length:
                    for path in expand((*nodes, neighbour), (*hop_edges, edges)):
                        found.append(path)
                        if len(found) >= max_paths:
                            return None
                continue
            nodes.append(neighbour)
            on_path.add(neighbour)
            hop_edges.append(edges)
            stack.append(iter(self.hops(neighbour)))
        return next_length


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
    ends = [party for party in region.depth if party != start and not search.hops(party)]
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
