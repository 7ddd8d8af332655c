"""What only the embedded store does: opening it, refusing broken datasets, its step
budget, and holding a graph of hundreds of thousands of parties.
"""

from __future__ import annotations

import asyncio

import pytest

from accountgraph.errors import AccountGraphError, DatasetError, StoreUnavailableError
from accountgraph.model import Dataset, Edge, Party, PartyKind, Path, Responsibility, Text
from accountgraph.store import GraphStore, open_store
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
