"""The chart's layout (layers, order, coordinates), how it looks, and GET /api/graph."""

from __future__ import annotations

import importlib
import itertools
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.chart import (
    ARROWHEAD,
    CABLE_GAP,
    KIND_STYLES,
    RELATION_STYLES,
    Curve,
    edge_curves,
    graph_document,
    wrap_label,
)
from accountgraph.dataset import load_dataset
from accountgraph.layout import (
    LAYER_GAP,
    NODE_GAP,
    NODE_HEIGHT,
    NODE_WIDTH,
    RANKING,
    ROW_LIMIT,
    Place,
    assign_layers,
    crossings,
    layout,
    order_layers,
    tie_pairs,
)
from accountgraph.model import Dataset, PartyKind, Relation
from accountgraph.settings import Settings
from accountgraph.web.routes import GraphCache, content_hash
from tests.arrowheads import curve_arrowhead, overlap
from tests.graphs import A, D, R, dataset, edge, party

TOP = Path(__file__).resolve().parent.parent
M = Relation.MEMBER_OF


def synthetic(size: int) -> Dataset:
    sys.path.insert(0, str(TOP / "bench"))
    try:
        module = importlib.import_module("synthetic")
    finally:
        sys.path.pop(0)
    made: Dataset = module.organisation(size)
    return made


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


# --- layers ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["wipo", "synthetic"])
def test_every_ranking_edge_goes_upward(wipo: Dataset, which: str) -> None:
    graph = wipo if which == "wipo" else synthetic(800)
    placed = layout(graph)
    ranking = [e for e in graph.edges if e.relation in RANKING]
    assert ranking
    for e in ranking:
        source, target = placed.places[e.source], placed.places[e.target]
        assert target.layer < source.layer, e
        assert target.y < source.y, e


def test_layers_follow_the_longest_chain_and_apexes_are_on_top(wipo: Dataset) -> None:
    layer = assign_layers(wipo)
    assert layer["wipo-member-states"] == 0
    assert layer["un-secretary-general"] == 0
    assert layer["wipo-director-general"] == 1
    assert layer["wipo-security-coordinator"] == 2
    # Head of SSCS: accountable to the DG (layer 1) but reports to the Coordinator (2).
    assert layer["wipo-head-sscs"] == 3
    assert layer["wipo-sscs"] == 4


def test_bodies_sit_on_the_layer_of_their_members(wipo: Dataset) -> None:
    layer = assign_layers(wipo)
    assert layer["smg-switzerland"] == layer["wipo-director-general"]
    assert layer["sag-switzerland"] == layer["wipo-security-coordinator"]
    assert layer["country-security-team-switzerland"] == layer["wipo-head-sscs"]
    # Members on two layers: the body sits with the higher one.
    assert layer["iasmn"] == layer["wipo-security-coordinator"]


def test_unranked_parties_sit_beside_above_or_below_their_neighbours() -> None:
    graph = dataset(
        [
            edge("boss", A, "top"),
            edge("deputy", Relation.SERVES_AS, "boss"),
            edge("boss", Relation.APPOINTS, "appointee"),
        ],
        [party("alone", PartyKind.BODY)],
    )
    layer = assign_layers(graph)
    assert layer == {"boss": 1, "top": 0, "deputy": 1, "appointee": 2, "alone": 0}


def test_a_loop_of_accountability_shares_a_layer() -> None:
    graph = dataset([edge("a", A, "b"), edge("b", A, "a"), edge("c", A, "a")])
    layer = assign_layers(graph)
    assert layer["a"] == layer["b"] == 0
    assert layer["c"] == 1
    assert set(layout(graph).places) == {"a", "b", "c"}


def test_an_empty_dataset_has_an_empty_layout() -> None:
    placed = layout(dataset([]))
    assert placed.places == {}
    assert placed.layers == ()
    assert placed.bounds() == (0.0, 0.0, 0.0, 0.0)


# --- order and coordinates ------------------------------------------------------------


def test_the_layout_is_deterministic(wipo: Dataset) -> None:
    first, second = layout(wipo), layout(wipo)
    assert first == second
    big = synthetic(600)
    assert layout(big) == layout(synthetic(600))


def test_crossings_are_counted_between_adjacent_layers() -> None:
    graph = dataset([edge("x", A, "a"), edge("y", A, "b")], [party("a"), party("b")])
    layer = assign_layers(graph)
    pairs = tie_pairs(graph.edges, layer)
    assert crossings([["a", "b"], ["x", "y"]], pairs, layer) == 0
    assert crossings([["a", "b"], ["y", "x"]], pairs, layer) == 1
    assert crossings([["b", "a"], ["y", "x"]], pairs, layer) == 0


def crossing_graph() -> Dataset:
    """Two bosses, each with three subordinates, listed so that every tie crosses."""
    tops = [party("top")]
    bosses = [party("boss-b"), party("boss-a")]
    staff = [party(f"{who}-{n}") for n in (1, 2, 3) for who in ("a", "b")]
    edges = [edge(b.id, A, "top") for b in bosses]
    edges += [edge(s.id, R, f"boss-{s.id[0]}") for s in staff]
    edges += [edge("a-1", M, "boss-b"), edge("b-3", M, "boss-a")]
    return dataset(edges, [*tops, *bosses, *staff])


def test_barycentre_sweeps_reduce_crossings() -> None:
    graph = crossing_graph()
    layer = assign_layers(graph)
    pairs = tie_pairs(graph.edges, layer)
    unsorted: list[list[str]] = [[] for _ in range(3)]
    for p in graph.parties:
        unsorted[layer[p.id]].append(p.id)
    before = crossings(unsorted, pairs, layer)
    after = crossings([list(row) for row in layout(graph).layers], pairs, layer)
    assert before >= 6
    assert after < before
    assert after <= 2  # the two cross-memberships, at most
    assert crossings(order_layers(unsorted, pairs, layer), pairs, layer) == after


def test_boxes_never_overlap_and_parents_sit_over_their_subordinates(wipo: Dataset) -> None:
    for graph in (wipo, synthetic(500)):
        placed = layout(graph)
        rows: dict[float, list[float]] = {}
        for place in placed.places.values():
            rows.setdefault(place.y, []).append(place.x)
        for xs in rows.values():
            xs.sort()
            assert all(b - a >= NODE_GAP - 1e-6 for a, b in itertools.pairwise(xs))
    placed = layout(wipo)
    sscs, guards = placed.places["wipo-sscs"], placed.places["wipo-guard-contractor"]
    head = placed.places["wipo-head-sscs"]
    assert min(sscs.x, guards.x) <= head.x <= max(sscs.x, guards.x)


def test_a_very_wide_layer_wraps_within_its_band() -> None:
    count = 2 * ROW_LIMIT + 10
    graph = dataset([edge(f"s{i}", A, "top") for i in range(count)])
    placed = layout(graph)
    ys = sorted({placed.places[f"s{i}"].y for i in range(count)})
    assert len(ys) == 3
    assert ys[0] == LAYER_GAP
    xs = [p.x for p in placed.places.values()]
    assert max(xs) - min(xs) <= (ROW_LIMIT - 1) * NODE_GAP
    assert all(placed.places[f"s{i}"].layer == 1 for i in range(count))


# --- the look -------------------------------------------------------------------------


def test_every_kind_and_relation_has_a_style() -> None:
    assert set(KIND_STYLES) == {k.value for k in PartyKind}
    assert set(RELATION_STYLES) == {r.value for r in Relation}
    assert RELATION_STYLES["ACCOUNTABLE_TO"]["ranks"] is True
    assert RELATION_STYLES["MEMBER_OF"]["ranks"] is False
    assert RELATION_STYLES["REPORTS_TO"]["label"] == {"en": "reports to", "zh": "向…报告工作"}
    assert len({s["shape"] for s in KIND_STYLES.values()}) >= 5


def test_labels_wrap_to_their_boxes() -> None:
    assert wrap_label("Director General of WIPO") == ["Director General of WIPO"]
    assert wrap_label("Head, Safety and Security Coordination Service") == [
        "Head, Safety and Security",
        "Coordination Service",
    ]
    assert wrap_label("联合国系统各组织聘用人员的认可家属") == [
        "联合国系统各组织聘用人员的",
        "认可家属",
    ]
    cut = wrap_label("word " * 40)
    assert len(cut) == 3
    assert cut[-1].endswith("…")


def test_the_edges_between_two_parties_run_as_one_cable(wipo: Dataset) -> None:
    placed = layout(wipo)
    curves = edge_curves(wipo.edges, placed.places)
    assert all(c is not None for c in curves)
    pair = {"wipo-head-sscs", "wipo-director-general"}
    cable = [
        (e, c) for e, c in zip(wipo.edges, curves, strict=True) if {e.source, e.target} == pair
    ]
    assert len(cable) == 4
    controls = sorted(c[2:4] for _, c in cable if c is not None)
    # Side by side, CABLE_GAP apart (measured across the line between the two parties).
    dg, head = placed.places["wipo-director-general"], placed.places["wipo-head-sscs"]
    dx, dy = head.x - dg.x, head.y - dg.y
    length = math.hypot(dx, dy)
    across = sorted((cx - dg.x) * -dy / length + (cy - dg.y) * dx / length for cx, cy in controls)
    gaps = [b - a for a, b in itertools.pairwise(across)]
    assert gaps == pytest.approx([CABLE_GAP] * 3, abs=0.15)  # curves are rounded to 0.1
    # Each line starts on the border of the box it leaves and ends on the border of the
    # box it points at, whichever way it points.
    for line, curve in cable:
        assert curve is not None
        for (x, y), end in ((curve[0:2], line.source), (curve[4:6], line.target)):
            place = placed.places[end]
            on_side = abs(abs(x - place.x) - NODE_WIDTH / 2) <= 0.1
            on_top = abs(abs(y - place.y) - NODE_HEIGHT / 2) <= 0.1
            assert on_side or on_top, (line, curve)


def overlapping_heads(curves: Sequence[Curve | None]) -> list[tuple[int, int]]:
    """The pairs of curves (by index) whose arrowheads overlap."""
    heads = [curve_arrowhead(c, ARROWHEAD) if c is not None else None for c in curves]
    return [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(heads), 2)
        if a is not None and b is not None and overlap(a, b)
    ]


def test_no_two_arrowheads_of_a_cable_overlap(wipo: Dataset) -> None:
    placed = layout(wipo)
    curves = edge_curves(wipo.edges, placed.places)
    cables: dict[frozenset[str], list[Curve | None]] = defaultdict(list)
    for line, curve in zip(wipo.edges, curves, strict=True):
        cables[frozenset((line.source, line.target))].append(curve)
    several = {pair: lines for pair, lines in cables.items() if len(lines) > 1}
    assert frozenset(("wipo-head-sscs", "wipo-director-general")) in several
    assert frozenset(("wipo-head-sscs", "wipo-sscs")) in several
    assert max(len(lines) for lines in several.values()) == 5
    for pair, lines in several.items():
        assert overlapping_heads(lines) == [], sorted(pair)


# Where a second party may stand from the first: the layer below, below and aside, two
# layers down and aside, beside on the same layer, far along the same layer (arched).
SECOND_PLACES = [
    (0.0, LAYER_GAP, 1),
    (NODE_GAP, LAYER_GAP, 1),
    (2 * NODE_GAP, 2 * LAYER_GAP, 2),
    (NODE_GAP, 0.0, 0),
    (3 * NODE_GAP, 0.0, 0),
]


@pytest.mark.parametrize("lines", [2, 3, 4, 5, 6])
@pytest.mark.parametrize(("x", "y", "layer"), SECOND_PLACES)
def test_a_cable_of_lines_all_pointing_one_way_has_heads_clear_of_each_other(
    lines: int, x: float, y: float, layer: int
) -> None:
    places = {
        "a": Place(x=0.0, y=0.0, layer=0, order=0),
        "b": Place(x=x, y=y, layer=layer, order=1),
    }
    for source, target in (("a", "b"), ("b", "a")):
        cable = [edge(source, D, target, scope=str(k)) for k in range(lines)]
        curves = edge_curves(cable, places)
        assert overlapping_heads(curves) == [], (source, target, curves)


def test_a_lone_edge_runs_from_centre_to_centre(wipo: Dataset) -> None:
    placed = layout(wipo)
    curves = edge_curves(wipo.edges, placed.places)
    for line, curve in zip(wipo.edges, curves, strict=True):
        pair = {line.source, line.target}
        if sum({e.source, e.target} == pair for e in wipo.edges) != 1:
            continue
        a, b = placed.places[line.source], placed.places[line.target]
        assert curve is not None
        assert curve[2] == round((a.x + b.x) / 2, 1)


# --- the page's JSON ------------------------------------------------------------------


def test_the_graph_document_holds_what_the_page_draws(wipo: Dataset) -> None:
    placed = layout(wipo)
    document = graph_document(wipo, placed, version="v1")
    json.dumps(document)
    assert document["format"] == "accountgraph-graph/1"
    assert document["dataset"]["name"] == "wipo-a46-11"
    assert len(document["nodes"]) == len(wipo.parties)
    assert len(document["edges"]) == len(wipo.edges)
    node = next(n for n in document["nodes"] if n["id"] == "wipo-director-general")
    assert node["name"] == {"en": "Director General of WIPO", "zh": "WIPO 总干事"}
    assert node["kind"] == "office"
    assert node["layer"] == 1
    assert {"x", "y", "aliases", "apex"} <= set(node)
    first = document["edges"][0]
    assert set(first) == {"from", "to", "relation", "scope", "sections"}
    assert document["dated"] is True
    assert document["dates"]["first"] == "2008-12-12"


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as client:
        yield client


def graph_cache(client: TestClient) -> GraphCache:
    for route in client.app.routes:  # type: ignore[attr-defined]
        if getattr(route, "path", None) == "/api/graph":
            cache: GraphCache = route.endpoint.__self__.cache
            return cache
    raise AssertionError("no /api/graph route")


def test_get_api_graph_is_laid_out_once_and_cached(http: TestClient) -> None:
    cache = graph_cache(http)
    first = http.get("/api/graph", headers={"accept-encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/json")
    assert first.headers["content-encoding"] == "gzip"
    body: dict[str, Any] = first.json()
    assert len(body["nodes"]) == 26
    assert body["as_of"] is not None  # a dated dataset is drawn as it stands today
    computed = cache.layouts_computed
    again = http.get("/api/graph", headers={"accept-encoding": "identity"})
    assert again.json() == body
    assert "content-encoding" not in again.headers
    assert cache.layouts_computed == computed
    unchanged = http.get("/api/graph", headers={"if-none-match": first.headers["etag"]})
    assert unchanged.status_code == 304


def test_get_api_graph_as_of_a_day(http: TestClient) -> None:
    before = http.get("/api/graph?as_of=2008-12-11").json()
    assert before["as_of"] == "2008-12-11"
    assert before["nodes"] == []
    assert before["dated"] is True
    on = http.get("/api/graph?as_of=2008-12-12").json()
    assert len(on["nodes"]) == 26
    bad = http.get("/api/graph?as_of=12/12/2008")
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.json()["error"]


def test_the_cache_key_is_the_name_the_content_and_the_day(wipo: Dataset) -> None:
    assert content_hash(wipo) == content_hash(load_dataset())
    changed = Dataset(
        wipo.name, wipo.title, wipo.document, wipo.parties, wipo.edges[1:], wipo.responsibilities
    )
    assert content_hash(changed) != content_hash(wipo)


def test_the_page_is_served_at_the_root_under_a_content_security_policy(
    http: TestClient,
) -> None:
    page = http.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="/static/page/page.js">' in page.text
    assert "<script>" not in page.text
    assert " style=" not in page.text
    assert not any(f" on{event}=" in page.text for event in ("click", "load", "change"))
    for name in (
        "page.js",
        "graph.js",
        "geometry.js",
        "picture.js",
        "search.js",
        "api.js",
        "texts.js",
        "page.css",
        "favicon.svg",
    ):
        assert http.get(f"/static/page/{name}").status_code == 200
