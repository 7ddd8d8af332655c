"""What only the embedded store does: opening it, refusing broken datasets, its step
budget, and holding a graph of hundreds of thousands of parties.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountgraph.errors import AccountGraphError, DatasetError, StoreUnavailableError
from accountgraph.model import (
    Dataset,
    Edge,
    Party,
    PartyKind,
    Path,
    Relation,
    Responsibility,
    Text,
)
from accountgraph.store import GraphStore, open_store
from accountgraph.store._paths import AHEAD_STEPS
from accountgraph.store._search_index import BLOCK
from accountgraph.store.memory import MemoryStore
from accountgraph.suggest import SUGGESTION_POOL
from tests import graphs
from tests.graphs import A, R


def test_open_store_memory() -> None:
    store = open_store("memory", graphs.chain())
    assert isinstance(store, MemoryStore)
    assert isinstance(store, GraphStore)


def test_the_memory_store_needs_a_dataset() -> None:
    with pytest.raises(AccountGraphError, match="needs a dataset"):
        open_store("memory")


@pytest.mark.parametrize("spec", ["postgres://localhost:5432", "redis://x", "", "Memory"])
def test_other_stores_are_unavailable(spec: str) -> None:
    with pytest.raises(StoreUnavailableError, match="expected 'memory'") as raised:
        open_store(spec, graphs.chain())
    assert raised.value.url == spec


def test_a_dataset_naming_missing_parties_is_refused() -> None:
    good = graphs.chain()
    broken = Dataset(
        name="broken",
        title=good.title,
        document=good.document,
        parties=(*good.parties, good.parties[0]),
        edges=(*good.edges, good.edges[0], graphs.edge("a", R, "ghost")),
        responsibilities=(Responsibility("I", "nobody", good.title, "T/1"),),
    )
    with pytest.raises(DatasetError) as raised:
        MemoryStore(broken)
    assert sorted(p.id or "" for p in raised.value.problems) == ["a", "a", "ghost", "nobody"]


def test_a_dataset_repeating_a_party_is_refused() -> None:
    good = graphs.chain()
    twice = Dataset(
        name="twice",
        title=good.title,
        document=good.document,
        parties=(*good.parties, good.parties[1]),
        edges=good.edges,
        responsibilities=(),
    )
    with pytest.raises(DatasetError) as raised:
        MemoryStore(twice)
    assert [p.id for p in raised.value.problems] == [good.parties[1].id]


def test_the_graph_is_a_frozen_multidigraph() -> None:
    store = MemoryStore(graphs.parallel())
    assert store.graph.number_of_nodes() == 5
    assert store.graph.number_of_edges() == 6
    assert store.graph.number_of_edges("a", "b") == 2
    with pytest.raises(Exception, match="Frozen"):
        store.graph.add_node("z")
    assert store.dataset.name == "parallel"


def trap(clique_size: int) -> Dataset:
    """s → b → t, where b also opens onto a complete graph that only leads back to b:
    every walk into the clique looks as if it could reach t, and none can.
    """
    clique = [f"c{i:02d}" for i in range(clique_size)]
    specs = [("s", R, "b"), ("b", R, "t")]
    for one in clique:
        specs += [("b", R, one), (one, R, "b")]
        specs += [(one, R, other) for other in clique if other != one]
    return graphs.linked(*specs, name="trap")


def test_a_dense_cyclic_graph_cannot_explode() -> None:
    store = MemoryStore(trap(20))
    found = asyncio.run(store.paths("s", "t", max_depth=32, max_paths=1000))
    assert [p.nodes for p in found] == [("s", "b", "t")]


def complete(size: int) -> Dataset:
    names = [f"n{i}" for i in range(size)]
    return graphs.linked(*((a, R, b) for a in names for b in names if a != b))


@pytest.mark.parametrize("budget", [1, 10, 50, 100, 200])
def test_an_exhausted_budget_still_answers_a_prefix_in_order(budget: int) -> None:
    data = complete(6)
    everything = asyncio.run(MemoryStore(data).paths("n0", "n5", max_depth=5, max_paths=1000))
    assert len(everything) == 65
    cut = asyncio.run(
        MemoryStore(data, step_budget=budget).paths("n0", "n5", max_depth=5, max_paths=1000)
    )
    assert cut == everything[: len(cut)]
    assert len(cut) < len(everything)


def test_a_walk_over_several_lengths_past_its_steps_gives_way_to_one_length_at_a_time() -> None:
    data = complete(8)
    everything = asyncio.run(MemoryStore(data).paths("n0", "n7", max_depth=7, max_paths=1000))
    cut = asyncio.run(
        MemoryStore(data, step_budget=AHEAD_STEPS).paths("n0", "n7", max_depth=7, max_paths=1000)
    )
    assert len(cut) < len(everything)  # so the walk over every length ran out of steps
    assert signatures(everything) == reference(data.edges, "n0", ["n7"], 7, 1000)


def test_suggestions_look_near_the_id_in_a_large_graph() -> None:
    names = [f"office-{i:05d}" for i in range(max(15_000, SUGGESTION_POOL * 3))]
    data = graphs.dataset([], [graphs.party(name, PartyKind.UNIT) for name in names])
    store = MemoryStore(data)
    suggestions = asyncio.run(store.suggest_ids("office-1234"))
    assert "office-12340" in suggestions or "office-01234" in suggestions
    assert len(suggestions) == 3


BIG = 200_000


def chainlike(size: int) -> Dataset:
    """p000000 → p000001 → … accountable to, with a shortcut over every tenth party and a
    reporting line over every hundredth."""
    ids = [f"p{i:06d}" for i in range(size)]
    edges: list[Edge] = [graphs.edge(ids[i], A, ids[i + 1]) for i in range(size - 1)]
    edges += [graphs.edge(ids[i], A, ids[i + 2]) for i in range(0, size - 2, 10)]
    edges += [graphs.edge(ids[i], R, ids[i + 2]) for i in range(0, size - 2, 100)]
    name = Text({"en": "an office"})
    return graphs.dataset(edges, [Party(i, PartyKind.OFFICE, name) for i in ids], name="chainlike")


def test_a_large_graph_answers_bounded_queries() -> None:
    store = MemoryStore(chainlike(BIG))

    async def ask() -> tuple[list[Path], list[Path], list[Path], int, list[str]]:
        far = await store.accountability_chains("p000000", max_depth=32)
        near = await store.accountability_chains("p199980", max_depth=32)
        between = await store.paths("p000000", "p000030", relations=[A], max_depth=32)
        stats = await store.stats()
        page = await store.list_parties(first=3, after="p150000")
        return far, near, between, stats.edges, [p.id for p in page.parties]

    far, near, between, edges, page = asyncio.run(ask())
    assert far == []
    assert [p.length for p in near] == [17, 18, 18, 19]
    assert near[0].nodes[:4] == ("p199980", "p199982", "p199983", "p199984")
    assert all(p.end == f"p{BIG - 1:06d}" for p in near)
    assert [p.length for p in between] == [27, 28, 28, 28, 29, 29, 29, 30]
    assert edges == (BIG - 1) + BIG // 10 + BIG // 100
    assert page == ["p150001", "p150002", "p150003"]


# --- larger random graphs than the contract suite's, against plain references ---------


@st.composite
def long_graphs(draw: st.DrawFn) -> Dataset:
    """Up to 120 parties, each with edges to parties at most 8 places away: long enough
    that the balls a path search grows around its two ends stay open at every depth."""
    size = draw(st.integers(10, 120))
    names = [f"n{i:03d}" for i in range(size)]
    specs: set[tuple[str, Relation, str, str | None]] = set()
    for i, name in enumerate(names):
        for _ in range(draw(st.integers(0, 3))):
            other = min(size - 1, max(0, i + draw(st.integers(-3, 8))))
            relation = draw(st.sampled_from([A, R, Relation.DELEGATES_TO]))
            specs.add((name, relation, names[other], draw(st.sampled_from([None, "s"]))))
    return graphs.dataset(
        (graphs.edge(*spec) for spec in sorted(specs, key=str)),
        [graphs.party(name) for name in names],
    )


def reference(
    edges: Sequence[Edge], start: str, goals: Sequence[str], max_depth: int, max_paths: int
) -> list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Every simple path from ``start`` to ``goals`` by networkx, in the protocol's order."""
    graph = nx.MultiDiGraph()
    graph.add_node(start)
    for e in edges:
        graph.add_edge(e.source, e.target, key=(e.relation, e.scope), edge=e)
    found = []
    for goal in goals:
        if goal == start or goal not in graph:
            continue
        for hops in nx.all_simple_edge_paths(graph, start, goal, cutoff=max_depth):
            taken = [graph.edges[hop]["edge"] for hop in hops]
            found.append(
                (
                    (start, *(e.target for e in taken)),
                    tuple(e.relation.value for e in taken),
                    tuple(e.scope or "" for e in taken),
                )
            )
    found.sort(key=lambda sig: (len(sig[0]), *sig))
    return found[:max_paths]


def signatures(paths: Sequence[Path]) -> list[tuple[tuple[str, ...], ...]]:
    return [
        (p.nodes, tuple(e.relation.value for e in p.edges), tuple(e.scope or "" for e in p.edges))
        for p in paths
    ]


@settings(max_examples=60, deadline=None)
@given(dataset=long_graphs(), data=st.data())
def test_paths_in_long_graphs_are_the_simple_paths_networkx_finds(
    dataset: Dataset, data: st.DataObject
) -> None:
    names = [party.id for party in dataset.parties]
    start = data.draw(st.sampled_from(names))
    goal = data.draw(st.sampled_from(names))
    relations = data.draw(st.none() | st.lists(st.sampled_from([A, R]), min_size=1))
    max_depth = data.draw(st.integers(1, 7))
    max_paths = data.draw(st.integers(1, 30))
    kept = [e for e in dataset.edges if relations is None or e.relation in relations]
    store = MemoryStore(dataset)
    found = asyncio.run(
        store.paths(start, goal, relations=relations, max_depth=max_depth, max_paths=max_paths)
    )
    assert signatures(found) == reference(kept, start, [goal], max_depth, max_paths)


@settings(max_examples=60, deadline=None)
@given(dataset=long_graphs(), data=st.data())
def test_chains_and_delegation_ends_in_long_graphs_are_those_networkx_finds(
    dataset: Dataset, data: st.DataObject
) -> None:
    names = [party.id for party in dataset.parties]
    start = data.draw(st.sampled_from(names))
    scope = data.draw(st.sampled_from([None, "s"]))
    max_depth = data.draw(st.integers(1, 7))
    max_paths = data.draw(st.integers(1, 30))
    store = MemoryStore(dataset)
    chains = [e for e in dataset.edges if e.relation is A]
    tops = [n for n in names if not any(e.source == n for e in chains)]
    delegations = [
        e
        for e in dataset.edges
        if e.relation is Relation.DELEGATES_TO and (scope is None or e.scope == scope)
    ]
    ends = [n for n in names if not any(e.source == n for e in delegations)]

    async def ask() -> tuple[list[Path], list[Path]]:
        return (
            await store.accountability_chains(start, max_depth=max_depth, max_paths=max_paths),
            await store.delegation_ends(
                start, scope=scope, max_depth=max_depth, max_paths=max_paths
            ),
        )

    found_chains, found_ends = asyncio.run(ask())
    assert signatures(found_chains) == reference(chains, start, tops, max_depth, max_paths)
    assert signatures(found_ends) == reference(delegations, start, ends, max_depth, max_paths)


SEARCH_ALPHABET = "abAB-1 办公ß\x00\x01"


@st.composite
def many_named_parties(draw: st.DrawFn) -> Dataset:
    """Parties over several blocks of the search index, with names that hold its
    separators too."""
    size = draw(st.integers(1, 4 * BLOCK))
    text = st.text(alphabet=SEARCH_ALPHABET, min_size=1, max_size=6)
    parties = [
        graphs.party(
            f"p{i:03d}",
            en=draw(text),
            zh=draw(st.none() | text),
            aliases=draw(st.lists(text, max_size=1)),
        )
        for i in range(size)
    ]
    return graphs.dataset([], parties)


@settings(max_examples=80, deadline=None)
@given(dataset=many_named_parties(), data=st.data())
def test_search_over_many_blocks_finds_what_a_scan_finds(
    dataset: Dataset, data: st.DataObject
) -> None:
    needle = data.draw(st.text(alphabet=SEARCH_ALPHABET + "p0", min_size=1, max_size=5))
    folded = needle.casefold()
    expected = [
        p.id
        for p in dataset.parties
        if any(folded in t.casefold() for t in (p.id, *p.aliases, *p.name.values.values()))
    ]
    store = MemoryStore(dataset)

    async def ask() -> tuple[list[str], int]:
        listed: list[str] = []
        after = None
        while True:
            page = await store.list_parties(search=needle, first=7, after=after)
            listed += [p.id for p in page.parties]
            if not page.has_next:
                return listed, await store.count_parties(search=needle)
            after = page.parties[-1].id

    assert asyncio.run(ask()) == (expected, len(expected))


def test_prepare_builds_every_index_a_first_query_would() -> None:
    store = MemoryStore(graphs.framework())
    store.prepare()
    assert store._search is not None
    assert store._aliases is not None
    assert len(store._end_distances) == 2
    page = asyncio.run(store.list_parties(search="总干事"))
    assert [p.id for p in page.parties] == ["deputy-director-general", "director-general"]


def test_the_networkx_graph_is_built_only_when_asked_for() -> None:
    store = MemoryStore(graphs.chain())
    assert store._graph is None
    assert store.graph.number_of_edges() == 3


def test_did_you_mean_knows_aliases_and_ids_written_with_blanks() -> None:
    data = graphs.dataset(
        [],
        [
            graphs.party("head office", aliases=["WIPO DG"]),
            graphs.party("c"),
            graphs.party("x", aliases=["Dee Gee"]),
        ],
    )
    store = MemoryStore(data)

    async def ask() -> list[list[str]]:
        return [
            await store.suggest_ids("wipo-dg", limit=1),
            await store.suggest_ids("HEAD-OFFICE", limit=1),
            await store.suggest_ids("dee  gee", limit=1),
        ]

    assert asyncio.run(ask()) == [["head office"], ["head office"], ["x"]]
