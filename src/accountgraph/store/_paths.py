"""Bounded, ordered enumeration of simple paths for the embedded store.

The search finds simple paths from a start party to goal parties (one target, or every
party a chain may end at) in the order the store protocol promises: by length, then by
the sequence of node ids, then by the sequence of relations (then of scopes). It works in
three passes, none of which copies the graph:

1. a breadth-first sweep from the start, no deeper than ``max_depth``, collects the
   region a path could touch and the goals inside it;
2. a backward sweep from those goals, inside that region, gives every node its distance
   to the nearest goal, a lower bound on the hops a path through it still needs;
3. an iterative-deepening depth-first search (IDA*) walks node sequences with children
   in id order, pruning any branch whose depth plus that bound exceeds the current
   length, so each round yields exactly the paths of one length, already in order.

Each node sequence is then expanded into one path per choice of parallel edges.

The sweeps are linear in the region. The depth-first walks, which on a dense cyclic graph
could grow exponentially, stop after a budget of steps; since every round lists its
paths in order, an exhausted budget still returns a correct prefix of the full answer.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Sequence

from accountgraph.model import Edge, Path

Hop = tuple[str, tuple[Edge, ...]]
"""A step to a neighbour: its id and the parallel edges leading there, in :func:`edge_order`."""

Successors = Callable[[str], Sequence[Hop]]
"""The hops leaving a party, in the order of the neighbours' ids."""

DEFAULT_STEP_BUDGET = 2_000_000
"""How many branches one path query may try before it settles for what it has found."""


def scope_order(scope: str | None) -> tuple[bool, str]:
    """Unscoped edges before scoped ones, scopes alphabetically."""
    return (scope is not None, scope or "")


def edge_order(edge: Edge) -> tuple[str, tuple[bool, str]]:
    """How parallel edges between the same two parties are ordered: relation, then scope."""
    return (edge.relation.value, scope_order(edge.scope))


def group_hops(edges: Sequence[Edge], far_end: Callable[[Edge], str]) -> tuple[Hop, ...]:
    """Group ``edges`` leaving one party, already in far-end then edge order, by far end."""
    if len(edges) == 1:
        return ((far_end(edges[0]), (edges[0],)),)
    return tuple(
        (party_id, tuple(group)) for party_id, group in itertools.groupby(edges, key=far_end)
    )


def ordered_paths(
    start: str,
    successors: Successors,
    goal: str | None,
    *,
    max_depth: int,
    max_paths: int,
    step_budget: int = DEFAULT_STEP_BUDGET,
) -> list[Path]:
    """The first ``max_paths`` simple paths from ``start`` to a goal, in protocol order.

    The goal is the party ``goal``, or when it is ``None`` any party with no hop onwards.
    Paths end at the first goal they reach; ``start`` itself is never one.
    """
    search = _Search(successors, step_budget)
    if goal is None:
        remaining = search.distances_to_goals(start, lambda p: not search.hops(p), max_depth)
    else:
        remaining = search.distances_to_goals(start, lambda p: p == goal, max_depth)
    if start not in remaining:
        return []
    found: list[Path] = []
    bound: int | None = remaining[start]
    while bound is not None and bound <= max_depth:
        bound = search.walk(start, remaining, bound, found, max_paths)
        if len(found) >= max_paths or search.exhausted:
            break
    return found[:max_paths]


class _Search:
    """One query's traversal state: the hops seen so far and the budget left."""

    def __init__(self, successors: Successors, step_budget: int) -> None:
        self._successors = successors
        self._hops: dict[str, Sequence[Hop]] = {}
        self._steps_left = step_budget

    @property
    def exhausted(self) -> bool:
        return self._steps_left < 0

    def hops(self, party_id: str) -> Sequence[Hop]:
        hops = self._hops.get(party_id)
        if hops is None:
            hops = self._hops[party_id] = self._successors(party_id)
        return hops

    def distances_to_goals(
        self, start: str, is_goal: Callable[[str], bool], max_depth: int
    ) -> dict[str, int]:
        """Hops from each party that can lie on a path to the nearest goal (goals: 0)."""
        seen = {start}
        predecessors: dict[str, list[str]] = {}
        goals: list[str] = []
        frontier = [start]
        for _ in range(max_depth):
            if not frontier:
                break
            reached: list[str] = []
            for party_id in frontier:
                for neighbour, _edges in self.hops(party_id):
                    predecessors.setdefault(neighbour, []).append(party_id)
                    if neighbour in seen:
                        continue
                    seen.add(neighbour)
                    if is_goal(neighbour):
                        goals.append(neighbour)
                    else:
                        reached.append(neighbour)
            frontier = reached
        remaining = dict.fromkeys(goals, 0)
        queue = deque(goals)
        while queue:
            party_id = queue.popleft()
            for predecessor in predecessors.get(party_id, ()):
                if predecessor not in remaining:
                    remaining[predecessor] = remaining[party_id] + 1
                    queue.append(predecessor)
        return remaining

    def walk(
        self,
        start: str,
        remaining: dict[str, int],
        length: int,
        found: list[Path],
        max_paths: int,
    ) -> int | None:
        """Append to ``found`` the paths exactly ``length`` long, in order.

        Returns the next length worth trying, or ``None`` if no longer path can exist.
        """
        nodes = [start]
        on_path = {start}
        hop_edges: list[tuple[Edge, ...]] = []
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
            to_go = remaining.get(neighbour)
            if to_go is None or neighbour in on_path:
                continue
            depth = len(nodes)
            if depth + to_go > length:
                if next_length is None or depth + to_go < next_length:
                    next_length = depth + to_go
                continue
            if to_go == 0:
                if depth == length:
                    for path in _expand((*nodes, neighbour), (*hop_edges, edges)):
                        found.append(path)
                        if len(found) >= max_paths:
                            return None
                continue
            nodes.append(neighbour)
            on_path.add(neighbour)
            hop_edges.append(edges)
            stack.append(iter(self.hops(neighbour)))
        return next_length


def _expand(nodes: tuple[str, ...], hops: tuple[tuple[Edge, ...], ...]) -> Iterator[Path]:
    """One path per choice of parallel edges: by the relations chosen, then the scopes."""
    by_relation = [
        [tuple(group) for _, group in itertools.groupby(edges, key=lambda e: e.relation)]
        for edges in hops
    ]
    for relations in itertools.product(*by_relation):
        for edges in itertools.product(*relations):
            yield Path(nodes, edges)
