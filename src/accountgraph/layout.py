"""The organisation chart's layout, computed on the server: layers, order and coordinates.

A party's layer is its longest distance, along ACCOUNTABLE_TO and REPORTS_TO edges, below
the top of its chain: parties that answer to no one are on layer 0, at the top, and every
such edge goes strictly upward (except inside a loop, whose parties share a layer).
Parties with neither relation are placed beside what they are tied to: a body on the layer
of its members (MEMBER_OF), anything else beside, above or below its neighbours as the
relation says (an appointee below whoever appoints it). Within each layer the parties are
ordered by barycentre sweeps to reduce edge crossings, then given x coordinates that put
each party over the parties below it, without overlaps.

How the chart looks (shapes, colours, curves, labels) is :mod:`accountgraph.chart`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from accountgraph.model import Dataset, Edge, Relation

NODE_WIDTH = 180
NODE_HEIGHT = 56
NODE_GAP = 200
"""Horizontal distance between the centres of neighbours on a layer."""
LAYER_GAP = 140
"""Vertical distance between layers."""
ROW_LIMIT = 60
"""The most parties side by side: a wider layer wraps onto more rows within its band."""
ROW_GAP = 90
"""Vertical distance between the rows of a wrapped layer."""

RANKING: frozenset[Relation] = frozenset({Relation.ACCOUNTABLE_TO, Relation.REPORTS_TO})
"""The relations whose target sits above their source: they define the layers."""

_BELOW: frozenset[Relation] = frozenset(
    {
        Relation.DELEGATES_TO,
        Relation.APPOINTS,
        Relation.DESIGNATES,
        Relation.MANAGES,
        Relation.ESTABLISHES,
        Relation.RESPONSIBLE_FOR_SECURITY_OF,
    }
)
"""Relations whose target an unranked party is placed one layer below the source."""

_SWEEPS = 12


@dataclass(frozen=True, slots=True)
class Place:
    """Where a party is drawn: the centre of its box, its layer and rank in the layer."""

    x: float
    y: float
    layer: int
    order: int


@dataclass(frozen=True, slots=True)
class Layout:
    """A party id -> :class:`Place` map, and the parties of each layer left to right."""

    places: Mapping[str, Place]
    layers: tuple[tuple[str, ...], ...]

    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_x, min_y, max_x, max_y)`` of every box, or zeros for an empty graph."""
        if not self.places:
            return (0.0, 0.0, 0.0, 0.0)
        xs = [p.x for p in self.places.values()]
        ys = [p.y for p in self.places.values()]
        half_w, half_h = NODE_WIDTH / 2, NODE_HEIGHT / 2
        return (min(xs) - half_w, min(ys) - half_h, max(xs) + half_w, max(ys) + half_h)


def layout(dataset: Dataset, *, sweeps: int = _SWEEPS, row_limit: int = ROW_LIMIT) -> Layout:
    """Lay ``dataset`` out: layers from accountability, barycentre order, x coordinates.

    A layer of more than ``row_limit`` parties wraps, in its order, onto rows of its own
    band, so a graph of thousands stays about as wide as it is tall; bands never overlap,
    so every ranking edge still goes upward. Deterministic: the same dataset always gives
    the same layout.
    """
    layer_of = assign_layers(dataset)
    edges = tie_pairs(dataset.edges, layer_of)
    layers = order_layers(_initial_order(dataset, layer_of), edges, layer_of, sweeps=sweeps)
    xs = assign_x(layers, edges, layer_of, row_limit=row_limit)
    places: dict[str, Place] = {}
    top = 0.0
    for layer, row in enumerate(layers):
        for order, party_id in enumerate(row):
            y = top + (order // row_limit) * ROW_GAP
            places[party_id] = Place(xs[party_id], y, layer, order)
        top += max(0, (len(row) - 1) // row_limit) * ROW_GAP + LAYER_GAP
    return Layout(places, tuple(tuple(row) for row in layers))


# --- layers ---------------------------------------------------------------------------


def assign_layers(dataset: Dataset) -> dict[str, int]:
    """Each party's layer: 0 at the top, growing downward (see the module's docstring)."""
    ids = list(dataset.party_ids)
    up = nx.DiGraph()
    up.add_nodes_from(ids)
    up.add_edges_from(
        (e.source, e.target)
        for e in dataset.edges
        if e.relation in RANKING and e.source != e.target
    )
    condensed = nx.condensation(up)
    members: Mapping[int, set[str]] = nx.get_node_attributes(condensed, "members")
    depth: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        above = [depth[c] for c in condensed.successors(component)]
        depth[component] = 1 + max(above) if above else 0
    layer_of = {
        party_id: depth[component]
        for component, ids_in in members.items()
        for party_id in ids_in
        if up.degree(party_id) > 0
    }
    _place_unranked(dataset, ids, layer_of)
    return {party_id: layer_of[party_id] for party_id in ids}


def _place_unranked(dataset: Dataset, ids: Sequence[str], layer_of: dict[str, int]) -> None:
    """Place the parties no ranking edge touches, beside what they are tied to."""
    hints: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
    for edge in dataset.edges:
        if edge.source == edge.target:
            continue
        step = 1 if edge.relation in _BELOW else 0
        member = edge.relation is Relation.MEMBER_OF
        hints[edge.source].append((edge.target, -step, False))
        hints[edge.target].append((edge.source, step, member))
    bodies = {p.id for p in dataset.parties if p.kind.label == "Body"}
    waiting = [party_id for party_id in ids if party_id not in layer_of]
    while waiting:
        placed_now: dict[str, int] = {}
        for party_id in waiting:
            known = [(other, step, m) for other, step, m in hints[party_id] if other in layer_of]
            if party_id in bodies and any(m for _, _, m in known):
                known = [hint for hint in known if hint[2]]
            if known:
                wanted = sorted(max(0, layer_of[other] + step) for other, step, _ in known)
                placed_now[party_id] = wanted[(len(wanted) - 1) // 2]
        if not placed_now:
            # A part of the graph with no ranking edge answers to no one: it starts on top.
            placed_now[waiting[0]] = 0
        layer_of.update(placed_now)
        waiting = [party_id for party_id in waiting if party_id not in placed_now]


# --- order within layers --------------------------------------------------------------

Pair = tuple[str, str, float]
"""Two parties an edge joins (either direction) and the weight of their tie."""


def tie_pairs(edges: Iterable[Edge], layer_of: Mapping[str, int]) -> list[Pair]:
    """The pairs of parties edges join, each once, weighted (ranking edges count double)."""
    weights: dict[tuple[str, str], float] = {}
    for edge in edges:
        if edge.source == edge.target or edge.source not in layer_of:
            continue
        if edge.target not in layer_of:
            continue
        key = (
            (edge.source, edge.target) if edge.source < edge.target else (edge.target, edge.source)
        )
        weights[key] = weights.get(key, 0.0) + (2.0 if edge.relation in RANKING else 1.0)
    return [(a, b, w) for (a, b), w in weights.items()]


def _initial_order(dataset: Dataset, layer_of: Mapping[str, int]) -> list[list[str]]:
    """Layers in the order a walk down from the tops meets the parties (dataset order for
    ties), which keeps subordinates near each other before any sweep."""
    below: dict[str, list[str]] = defaultdict(list)
    for edge in dataset.edges:
        if edge.relation in RANKING and edge.source != edge.target:
            below[edge.target].append(edge.source)
    ids = list(dataset.party_ids)
    seen: dict[str, None] = {}
    stack = list(reversed([*(p for p in ids if layer_of[p] == 0), *ids]))
    while stack:
        party_id = stack.pop()
        if party_id in seen:
            continue
        seen[party_id] = None
        stack.extend(reversed([b for b in below[party_id] if b not in seen]))
    rows: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for party_id in seen:
        rows[layer_of[party_id]].append(party_id)
    return rows


def order_layers(
    rows: Sequence[Sequence[str]],
    pairs: Sequence[Pair],
    layer_of: Mapping[str, int],
    *,
    sweeps: int = _SWEEPS,
) -> list[list[str]]:
    """Reorder each layer by barycentre sweeps (down, then up, alternately); keep the
    order with the fewest crossings between adjacent layers. Bodies with no tie to another
    layer follow their members on their own layer."""
    links: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for a, b, weight in pairs:
        links[a].append((b, weight))
        links[b].append((a, weight))
    best = [list(row) for row in rows]
    best_crossings = crossings(best, pairs, layer_of)
    current = [list(row) for row in rows]
    for sweep in range(sweeps):
        if best_crossings == 0:
            break
        downward = sweep % 2 == 0
        position = _positions(current)
        indices = range(len(current)) if downward else range(len(current) - 1, -1, -1)
        for layer in indices:
            row = current[layer]
            keys = {p: _key(p, layer, downward, links, layer_of, position) for p in row}
            row.sort(key=lambda p: (keys[p], position[p]))
            for index, party_id in enumerate(row):
                position[party_id] = (index + 0.5) / len(row)
        found = crossings(current, pairs, layer_of)
        if found < best_crossings:
            best, best_crossings = [list(row) for row in current], found
    return best


def _positions(rows: Sequence[Sequence[str]]) -> dict[str, float]:
    return {p: (i + 0.5) / len(row) for row in rows for i, p in enumerate(row)}


def _key(
    party_id: str,
    layer: int,
    downward: bool,
    links: Mapping[str, list[tuple[str, float]]],
    layer_of: Mapping[str, int],
    position: Mapping[str, float],
) -> float:
    total = weight_sum = 0.0
    beside_total = beside_weight = 0.0
    for other, weight in links.get(party_id, ()):
        other_layer = layer_of[other]
        if other_layer == layer:
            beside_total += weight * position[other]
            beside_weight += weight
        elif (other_layer < layer) == downward:
            share = weight / abs(other_layer - layer)
            total += share * position[other]
            weight_sum += share
    if weight_sum:
        return total / weight_sum
    if beside_weight:
        return beside_total / beside_weight + 1e-6
    return position[party_id]


def crossings(
    rows: Sequence[Sequence[str]], pairs: Sequence[Pair], layer_of: Mapping[str, int]
) -> int:
    """How many pairs of edges between adjacent layers cross (longer edges not counted)."""
    index = {p: i for row in rows for i, p in enumerate(row)}
    between: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b, _ in pairs:
        la, lb = layer_of[a], layer_of[b]
        if abs(la - lb) != 1:
            continue
        upper, lower = (a, b) if la < lb else (b, a)
        between[min(la, lb)].append((index[upper], index[lower]))
    return sum(_inversions(sorted(segments)) for segments in between.values())


def _inversions(segments: list[tuple[int, int]]) -> int:
    """Crossings of segments sorted by upper end: pairs whose lower ends are inverted."""
    size = max((lower for _, lower in segments), default=0) + 2
    tree = [0] * size
    found = 0
    for seen, (_, lower) in enumerate(segments):
        # Fenwick tree: how many seen so far have a lower end <= this one.
        i, not_greater = lower + 1, 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        found += seen - not_greater
        i = lower + 1
        while i < size:
            tree[i] += 1
            i += i & -i
    return found


# --- coordinates ----------------------------------------------------------------------


def assign_x(
    rows: Sequence[Sequence[str]],
    pairs: Sequence[Pair],
    layer_of: Mapping[str, int],
    *,
    row_limit: int = ROW_LIMIT,
) -> dict[str, float]:
    """x of every party: the widest layer evenly spaced (a wrapped layer: each of its rows,
    centred), then each other layer above and below it pulled over (under) its neighbours
    in the layers already placed, keeping order and at least :data:`NODE_GAP` between
    centres."""
    links: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in pairs:
        links[a].append(b)
        links[b].append(a)
    x: dict[str, float] = {}
    for row in rows:
        for i, party_id in enumerate(row):
            start = i - i % row_limit
            width = min(row_limit, len(row) - start)
            x[party_id] = (i - start - (width - 1) / 2) * NODE_GAP
    if not rows:
        return x
    widest = max(range(len(rows)), key=lambda i: (len(rows[i]), -i))
    for layer in [*range(widest - 1, -1, -1), *range(widest + 1, len(rows))]:
        if len(rows[layer]) > row_limit:
            continue
        toward = 1 if layer < widest else -1
        row = rows[layer]
        wanted = []
        for party_id in row:
            near = [
                x[o]
                for o in links[party_id]
                if layer_of[o] == layer + toward
                or (toward > 0 and layer_of[o] > layer and layer_of[o] <= widest)
                or (toward < 0 and widest <= layer_of[o] < layer)
            ]
            wanted.append(statistics.fmean(near) if near else x[party_id])
        for party_id, value in zip(row, _pack(wanted), strict=True):
            x[party_id] = value
    return x


def _pack(wanted: Sequence[float]) -> list[float]:
    """Positions as near ``wanted`` as order and spacing allow: the mean of pushing right
    from the left and pushing left from the right (both keep the spacing, so their mean
    does)."""
    rightward: list[float] = []
    for value in wanted:
        rightward.append(value if not rightward else max(value, rightward[-1] + NODE_GAP))
    leftward: list[float] = []
    for value in reversed(wanted):
        leftward.append(value if not leftward else min(value, leftward[-1] - NODE_GAP))
    leftward.reverse()
    return [(a + b) / 2 for a, b in zip(rightward, leftward, strict=True)]
