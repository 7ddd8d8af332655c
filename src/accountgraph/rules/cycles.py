"""No ACCOUNTABLE_TO cycle on any day.

A line of accountability runs up to a party that answers to no one in the graph (the
Director General answers to the Member States, whoever he delegates to answers to him:
A/46/11 III.A.1); one that comes back to where it started holds no one to account.

Days matter: a cycle that exists only in 2027 is a cycle. A cycle on some day is a cycle
of the graph of every ACCOUNTABLE_TO edge ever, so that graph is searched first, at once;
only its strongly connected parts, if any, are searched day by day, on each stretch of
days between the validity boundaries of their edges and parties.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from itertools import compress

from accountgraph.model import Edge, Relation
from accountgraph.rules.days import Span, change_points, describe, hull, merged, pieces, within
from accountgraph.rules.index import DatasetIndex
from accountgraph.rules.scc import strongly_connected
from accountgraph.rules.violation import EdgeKey, RuleViolation, edge_key

_Cycle = tuple[tuple[str, ...], tuple[EdgeKey, ...]]


def accountability_cycles(index: DatasetIndex) -> Iterator[RuleViolation]:
    group = index.relation(Relation.ACCOUNTABLE_TO)
    remaining = [group.edges[at] for at in _maybe_on_a_cycle(group.sources, group.targets)]
    if not remaining:
        return
    days: dict[_Cycle, list[Span]] = {}
    for component in _components(remaining):
        for cycle, piece in _cycles_by_day(index, component):
            days.setdefault(cycle, []).append(piece)
    for (parties, keys), spans in days.items():
        circle = " -> ".join((*parties, parties[0]))
        joined = merged(spans)
        yield RuleViolation(
            "accountability-cycle",
            f"accountability runs in a circle {describe(joined)}: {circle} "
            "(ACCOUNTABLE_TO); a line of accountability ends with a party that answers to no "
            "one in the graph (A/46/11 III.A.1)",
            parties,
            keys,
            tuple(joined),
        )


def _maybe_on_a_cycle(sources: Sequence[str], targets: Sequence[str]) -> list[int]:
    """The positions of the edges that may lie on a cycle.

    An edge from a party no one answers to, or to a party that answers to no one, lies on
    no cycle; peeling such edges off, round after round, leaves nothing of a graph without
    cycles. Each round is a few passes in C over what is left; when a round peels off
    little (a long chain), the strongly connected components settle the rest instead.
    """
    positions: Sequence[int] = range(len(sources))
    while positions:
        before = len(positions)
        # From a party no one answers to:
        keep = list(map(set(targets).__contains__, sources))
        sources, targets = list(compress(sources, keep)), list(compress(targets, keep))
        positions = list(compress(positions, keep))
        # To a party that answers to no one:
        keep = list(map(set(sources).__contains__, targets))
        sources, targets = list(compress(sources, keep)), list(compress(targets, keep))
        positions = list(compress(positions, keep))
        if len(positions) >= before - before // 8:
            break
    return list(positions)


def _components(edges: list[Edge]) -> Iterator[list[Edge]]:
    """The edges within each strongly connected part of ``edges`` that holds a cycle."""
    names = sorted({edge.source for edge in edges} | {edge.target for edge in edges})
    number = {name: at for at, name in enumerate(names)}
    adjacency: list[list[int]] = [[] for _ in names]
    for edge in edges:
        adjacency[number[edge.source]].append(number[edge.target])
    for component in strongly_connected(adjacency):
        if len(component) == 1 and component[0] not in adjacency[component[0]]:
            continue
        members = {names[node] for node in component}
        yield [edge for edge in edges if edge.source in members and edge.target in members]


def _cycles_by_day(index: DatasetIndex, edges: list[Edge]) -> Iterator[tuple[_Cycle, Span]]:
    """Each stretch of days on which ``edges`` hold a cycle, and the cycle."""
    held = [(edge, span) for edge in edges if (span := index.effective_span(edge)) is not None]
    whole = hull(span for _, span in held)
    if whole is None:
        return
    for piece in pieces(whole, change_points(span for _, span in held)):
        active = [edge for edge, span in held if within(piece, span)]
        for cycle in _cycles_among(active):
            yield cycle, piece


def _cycles_among(edges: list[Edge]) -> Iterator[_Cycle]:
    """One cycle of each strongly connected part of ``edges``: the shortest through the
    part's first party (by id), so that the same graph always gives the same cycle."""
    names = sorted({edge.source for edge in edges} | {edge.target for edge in edges})
    number = {name: at for at, name in enumerate(names)}
    between: dict[tuple[int, int], list[Edge]] = {}
    for edge in edges:
        between.setdefault((number[edge.source], number[edge.target]), []).append(edge)
    adjacency: list[list[int]] = [[] for _ in names]
    for source, target in sorted(between):
        adjacency[source].append(target)
    for component in strongly_connected(adjacency):
        start = min(component)
        if len(component) == 1 and start not in adjacency[start]:
            continue
        nodes = _shortest_cycle(start, set(component), adjacency)
        steps = zip(nodes, (*nodes[1:], nodes[0]), strict=True)
        chosen = [min(between[step], key=_scope_order) for step in steps]
        yield tuple(names[node] for node in nodes), tuple(edge_key(edge) for edge in chosen)


def _scope_order(edge: Edge) -> tuple[bool, str]:
    return (edge.scope is not None, edge.scope or "")


def _shortest_cycle(start: int, members: set[int], adjacency: list[list[int]]) -> list[int]:
    """The nodes of a shortest cycle from ``start`` back to it, within ``members``."""
    came_from: dict[int, int] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for neighbour in adjacency[node]:
            if neighbour == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if neighbour in members and neighbour not in came_from:
                came_from[neighbour] = node
                queue.append(neighbour)
    raise AssertionError("a strongly connected part with an edge holds a cycle")
