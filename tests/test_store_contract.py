"""The contract every store honours, checked against small graphs with known answers.

Each test runs once per kind of store (see ``store_factory`` in ``conftest.py``); a new
store kind passes when this file passes unchanged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountgraph.dataset import load_dataset
from accountgraph.errors import QueryLimitError, UnknownPartyError
from accountgraph.model import (
    ALWAYS,
    Dataset,
    Direction,
    Edge,
    PartyKind,
    Path,
    Relation,
    Validity,
)
from accountgraph.store.base import MAX_DEPTH, MAX_PAGE, MAX_PATHS, GraphStore, StoreStats
from accountgraph.store.memory import MemoryStore
from tests import graphs
from tests.graphs import A, D, R, StoreFactory, ask

T = TypeVar("T")
Query = Callable[[GraphStore], Awaitable[Any]]


def nodes_of(paths: Sequence[Path]) -> list[tuple[str, ...]]:
    for path in paths:
        for i, edge in enumerate(path.edges):
            assert (edge.source, edge.target) == path.nodes[i : i + 2]
    return [path.nodes for path in paths]


def relations_of(paths: Sequence[Path]) -> list[tuple[tuple[str, ...], tuple[Relation, ...]]]:
    return [
        (nodes, tuple(e.relation for e in p.edges))
        for nodes, p in zip(nodes_of(paths), paths, strict=True)
    ]


def ids(parties: Sequence[Any]) -> list[str]:
    return [party.id for party in parties]


# --- what a store holds ---------------------------------------------------------------


def test_a_store_is_a_graph_store(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> bool:
        return isinstance(store, GraphStore)

    assert ask(store_factory, graphs.chain(), query)


def test_stats_count_what_the_dataset_holds(store_factory: StoreFactory) -> None:
    stats = ask(store_factory, graphs.framework(), lambda s: s.stats())
    assert stats == StoreStats(dataset="framework", parties=12, edges=15, responsibilities=4)


def test_get_party_and_parties(store_factory: StoreFactory) -> None:
    data = graphs.framework()

    async def query(store: GraphStore) -> tuple[Any, ...]:
        return (
            await store.get_party("director-general"),
            await store.get_party("nobody"),
            await store.get_parties(["staff", "nobody", "undss"]),
            await store.get_parties([]),
        )

    one, missing, some, none = ask(store_factory, data, query)
    assert one == data.party("director-general")
    assert missing is None
    assert some == [data.party("staff"), None, data.party("undss")]
    assert none == []


def test_closing_twice_is_harmless(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> None:
        await store.close()
        await store.close()

    ask(store_factory, graphs.chain(), query)


# --- listing and searching parties ----------------------------------------------------

FRAMEWORK_IDS = sorted(p.id for p in graphs.FRAMEWORK_PARTIES)


def test_list_parties_in_id_order(store_factory: StoreFactory) -> None:
    page = ask(store_factory, graphs.framework(), lambda s: s.list_parties(first=MAX_PAGE))
    assert ids(page.parties) == FRAMEWORK_IDS
    assert not page.has_next


def test_paging_with_after(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[tuple[list[str], bool]]:
        pages: list[tuple[list[str], bool]] = []
        after = None
        while True:
            page = await store.list_parties(first=5, after=after)
            pages.append((ids(page.parties), page.has_next))
            if not page.has_next:
                return pages
            after = page.parties[-1].id

    pages = ask(store_factory, graphs.framework(), query)
    assert pages == [
        (FRAMEWORK_IDS[0:5], True),
        (FRAMEWORK_IDS[5:10], True),
        (FRAMEWORK_IDS[10:12], False),
    ]


def test_after_need_not_be_an_id(store_factory: StoreFactory) -> None:
    page = ask(store_factory, graphs.framework(), lambda s: s.list_parties(after="p"))
    assert ids(page.parties) == [i for i in FRAMEWORK_IDS if i > "p"]
    last = ask(store_factory, graphs.framework(), lambda s: s.list_parties(after="wardens"))
    assert last.parties == ()
    assert not last.has_next


def test_a_page_of_none_still_says_whether_more_follow(store_factory: StoreFactory) -> None:
    page = ask(store_factory, graphs.framework(), lambda s: s.list_parties(first=0))
    assert page.parties == ()
    assert page.has_next


def test_kind_filter(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> tuple[list[str], int, list[str]]:
        page = await store.list_parties(kind=PartyKind.ROLE)
        count = await store.count_parties(kind=PartyKind.ROLE)
        units = await store.list_parties(kind=PartyKind.UNIT)
        return ids(page.parties), count, ids(units.parties)

    roles, count, units = ask(store_factory, graphs.framework(), query)
    assert roles == ["program-managers", "security-coordinator", "security-focal-points", "wardens"]
    assert count == 4
    assert units == ["security-section"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (
            "SECURITY",
            ["iasmn", "security-coordinator", "security-focal-points", "security-section", "undss"],
        ),
        ("总干事", ["deputy-director-general", "director-general"]),
        ("安保协调", ["security-coordinator", "security-section"]),
        ("成员", ["member-states"]),
        ("dg", ["deputy-director-general", "director-general"]),
        ("sscs", ["security-section"]),
        ("host-c", ["host-country"]),
        ("staff members", ["staff"]),
        ("no such thing", []),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else None,
)
def test_search_matches_ids_aliases_and_names(
    store_factory: StoreFactory, search: str, expected: list[str]
) -> None:
    async def query(store: GraphStore) -> tuple[list[str], int]:
        page = await store.list_parties(search=search)
        return ids(page.parties), await store.count_parties(search=search)

    assert ask(store_factory, graphs.framework(), query) == (expected, len(expected))


def test_search_and_kind_page_together(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[tuple[list[str], bool]]:
        first = await store.list_parties(kind=PartyKind.ROLE, search="安保", first=1)
        after = first.parties[-1].id
        second = await store.list_parties(kind=PartyKind.ROLE, search="安保", first=1, after=after)
        return [(ids(first.parties), first.has_next), (ids(second.parties), second.has_next)]

    assert ask(store_factory, graphs.framework(), query) == [
        (["security-coordinator"], True),
        (["security-focal-points"], False),
    ]


def test_count_parties(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[int]:
        return [
            await store.count_parties(),
            await store.count_parties(kind=PartyKind.GOVERNMENT),
            await store.count_parties(kind=PartyKind.BODY, search="network"),
            await store.count_parties(search=""),
        ]

    assert ask(store_factory, graphs.framework(), query) == [12, 2, 1, 12]


@pytest.mark.parametrize("first", [-1, MAX_PAGE + 1])
def test_page_size_is_bounded(store_factory: StoreFactory, first: int) -> None:
    with pytest.raises(QueryLimitError):
        ask(store_factory, graphs.framework(), lambda s: s.list_parties(first=first))


# --- edges, neighbours, duties --------------------------------------------------------


def edge_list(edges: Sequence[Edge]) -> list[tuple[str, Relation, str, str | None]]:
    return [e.key for e in edges]


def test_edges_by_direction_ordered_by_relation_then_other_end(
    store_factory: StoreFactory,
) -> None:
    sc, ddg = "security-coordinator", "deputy-director-general"

    async def query(store: GraphStore) -> list[list[Edge]]:
        return [
            await store.edges(sc),
            await store.edges(sc, Direction.IN),
            await store.edges(sc, Direction.BOTH),
            await store.edges(sc, Direction.BOTH, [R, A]),
            await store.edges(sc, Direction.OUT, []),
        ]

    out, arriving, both, some, none = ask(store_factory, graphs.framework(), query)
    assert edge_list(out) == [
        (sc, A, ddg, None),
        (sc, Relation.LIAISES_WITH, "undss", None),
        (sc, Relation.MANAGES, "security-section", None),
        (sc, Relation.PARTICIPATES_IN, "iasmn", None),
        (sc, R, ddg, None),
    ]
    assert edge_list(arriving) == [
        (ddg, D, sc, "security"),
        ("security-focal-points", Relation.SUPPORTS, sc, None),
    ]
    assert edge_list(both) == [
        (sc, A, ddg, None),
        (ddg, D, sc, "security"),
        (sc, Relation.LIAISES_WITH, "undss", None),
        (sc, Relation.MANAGES, "security-section", None),
        (sc, Relation.PARTICIPATES_IN, "iasmn", None),
        (sc, R, ddg, None),
        ("security-focal-points", Relation.SUPPORTS, sc, None),
    ]
    assert edge_list(some) == [(sc, A, ddg, None), (sc, R, ddg, None)]
    assert none == []


def test_edges_keep_their_citations_and_scopes(store_factory: StoreFactory) -> None:
    data = graphs.delegation()
    found = ask(store_factory, data, lambda s: s.edges("root"))
    assert found == sorted(
        (e for e in data.edges if e.source == "root"), key=lambda e: (e.target, e.scope or "")
    )
    assert all(e.citations == (graphs.CITATION,) for e in found)


def test_edges_both_ways_in_a_loop(store_factory: StoreFactory) -> None:
    found = ask(store_factory, graphs.cycle(), lambda s: s.edges("x", Direction.BOTH))
    assert edge_list(found) == [("x", A, "y", None), ("y", A, "x", None)]


def test_direct_neighbours(store_factory: StoreFactory) -> None:
    dg = "director-general"

    async def query(store: GraphStore) -> list[list[str]]:
        return [
            ids(await store.neighbours(dg, A)),
            ids(await store.neighbours(dg, A, Direction.IN)),
            ids(await store.neighbours(dg, A, Direction.BOTH)),
            ids(await store.neighbours(dg, Relation.CHAIRS, Direction.BOTH)),
        ]

    assert ask(store_factory, graphs.framework(), query) == [
        ["member-states"],
        ["deputy-director-general", "program-managers"],
        ["deputy-director-general", "member-states", "program-managers"],
        [],
    ]


def test_transitive_neighbours_by_distance_then_id(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[str]]:
        return [
            ids(await store.neighbours("director-general", A, Direction.IN, transitive=True)),
            ids(await store.neighbours("staff", A, transitive=True)),
            ids(await store.neighbours("staff", A, Direction.BOTH, transitive=True)),
        ]

    assert ask(store_factory, graphs.framework(), query) == [
        ["deputy-director-general", "program-managers", "security-coordinator", "staff"],
        ["program-managers", "director-general", "member-states"],
        [
            "program-managers",
            "director-general",
            "deputy-director-general",
            "member-states",
            "security-coordinator",
        ],
    ]


def test_transitive_neighbours_leave_out_the_party_in_a_cycle(
    store_factory: StoreFactory,
) -> None:
    found = ask(store_factory, graphs.cycle(), lambda s: s.neighbours("a", A, transitive=True))
    assert ids(found) == ["b", "c", "top"]


def test_responsibilities_in_document_order(store_factory: StoreFactory) -> None:
    data = graphs.framework()

    async def query(store: GraphStore) -> list[list[str]]:
        return [
            [r.code for r in await store.responsibilities("director-general")],
            [r.code for r in await store.responsibilities("security-coordinator")],
            [r.code for r in await store.responsibilities("staff")],
        ]

    assert ask(store_factory, data, query) == [
        ["III.A.3(a)", "III.A.3(b)", "III.A.3(c)"],
        ["III.B.2(a)"],
        [],
    ]
    everything = ask(store_factory, data, lambda s: s.all_responsibilities())
    assert everything == list(data.responsibilities)


# --- accountability chains ------------------------------------------------------------


def test_chain_to_the_top(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.accountability_chains("a")),
            nodes_of(await store.accountability_chains("c")),
            nodes_of(await store.accountability_chains("d")),
        ]

    assert ask(store_factory, graphs.chain(), query) == [[("a", "b", "c", "d")], [("c", "d")], []]


def test_chain_edges_are_the_accountability_edges(store_factory: StoreFactory) -> None:
    data = graphs.chain()
    (path,) = ask(store_factory, data, lambda s: s.accountability_chains("a"))
    assert path.edges == data.edges
    assert path.length == 3


def test_diamond_has_two_chains(store_factory: StoreFactory) -> None:
    found = ask(store_factory, graphs.diamond(), lambda s: s.accountability_chains("a"))
    assert nodes_of(found) == [("a", "b", "d"), ("a", "c", "d")]


def test_cycles_end_their_branch(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [nodes_of(await store.accountability_chains(p)) for p in ("a", "b", "c", "x")]

    assert ask(store_factory, graphs.cycle(), query) == [
        [("a", "b", "top")],
        [("b", "top")],
        [("c", "a", "b", "top")],
        [],
    ]


def test_chains_longer_than_max_depth_are_dropped(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.accountability_chains("a", max_depth=depth)) for depth in (2, 3)
        ]

    assert ask(store_factory, graphs.chain(), query) == [[], [("a", "b", "c", "d")]]


def test_chains_shortest_first_then_by_ids_up_to_max_paths(store_factory: StoreFactory) -> None:
    found = ask(store_factory, graphs.fan_out(30), lambda s: s.accountability_chains("s"))
    assert len(found) == 31
    assert nodes_of(found)[:3] == [("s", "t"), ("s", "m-0000", "t"), ("s", "m-0001", "t")]
    few = ask(
        store_factory, graphs.fan_out(30), lambda s: s.accountability_chains("s", max_paths=3)
    )
    assert few == found[:3]


def test_chains_in_the_framework(store_factory: StoreFactory) -> None:
    found = ask(
        store_factory, graphs.framework(), lambda s: s.accountability_chains("security-coordinator")
    )
    assert nodes_of(found) == [
        ("security-coordinator", "deputy-director-general", "director-general", "member-states")
    ]


# --- delegation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (
            None,
            [
                (("root", "alpha", "alpha-1"), ("security", "security")),
                (("root", "alpha", "alpha-2"), ("security", "finance")),
                (("root", "beta", "beta-1"), ("finance", None)),
                (("root", "beta", "beta-1"), ("security", None)),
                (("root", "gamma", "gamma-1"), ("finance", "finance")),
            ],
        ),
        (
            "security",
            [
                (("root", "beta"), ("security",)),
                (("root", "alpha", "alpha-1"), ("security", "security")),
            ],
        ),
        (
            "finance",
            [
                (("root", "beta"), ("finance",)),
                (("root", "gamma", "gamma-1"), ("finance", "finance")),
            ],
        ),
        ("nothing", []),
    ],
)
def test_delegation_ends_by_scope(
    store_factory: StoreFactory,
    scope: str | None,
    expected: list[tuple[tuple[str, ...], tuple[str | None, ...]]],
) -> None:
    found = ask(
        store_factory, graphs.delegation(), lambda s: s.delegation_ends("root", scope=scope)
    )
    assert [
        (nodes, tuple(e.scope for e in p.edges))
        for nodes, p in zip(nodes_of(found), found, strict=True)
    ] == (expected)
    assert all(e.relation is D for p in found for e in p.edges)


def test_delegation_ignores_other_relations(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.delegation_ends("alpha")),
            nodes_of(await store.delegation_ends("alpha-1")),
            nodes_of(await store.delegation_ends("root", max_depth=1)),
        ]

    assert ask(store_factory, graphs.delegation(), query) == [
        [("alpha", "alpha-1"), ("alpha", "alpha-2")],
        [],
        [],
    ]


def test_delegation_in_the_framework(store_factory: StoreFactory) -> None:
    found = ask(
        store_factory,
        graphs.framework(),
        lambda s: s.delegation_ends("director-general", scope="security"),
    )
    assert nodes_of(found) == [
        ("director-general", "deputy-director-general", "security-coordinator")
    ]


# --- paths ----------------------------------------------------------------------------


def test_paths_along_a_chain(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.paths("a", "d")),
            nodes_of(await store.paths("b", "c")),
            nodes_of(await store.paths("d", "a")),
            nodes_of(await store.paths("a", "d", relations=[R])),
            nodes_of(await store.paths("a", "d", relations=[])),
            nodes_of(await store.paths("a", "d", max_depth=2)),
            nodes_of(await store.paths("a", "a")),
        ]

    assert ask(store_factory, graphs.chain(), query) == [
        [("a", "b", "c", "d")],
        [("b", "c")],
        [],
        [],
        [],
        [],
        [],
    ]


def test_paths_through_a_diamond(store_factory: StoreFactory) -> None:
    found = ask(store_factory, graphs.diamond(), lambda s: s.paths("a", "d"))
    assert nodes_of(found) == [("a", "b", "d"), ("a", "c", "d")]


def test_paths_avoid_dead_ends_and_loops(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.paths("s", "t")),
            nodes_of(await store.paths("u", "t")),
            nodes_of(await store.paths("x", "t")),
        ]

    assert ask(store_factory, graphs.dead_ends(), query) == [
        [("s", "y", "t")],
        [("u", "s", "y", "t")],
        [],
    ]


def test_paths_in_a_cycle_are_simple(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.paths("a", "top")),
            nodes_of(await store.paths("c", "b")),
            nodes_of(await store.paths("x", "y")),
        ]

    assert ask(store_factory, graphs.cycle(), query) == [
        [("a", "b", "top")],
        [("c", "a", "b")],
        [("x", "y")],
    ]


def test_parallel_edges_give_distinct_paths_nodes_ordered_before_relations(
    store_factory: StoreFactory,
) -> None:
    async def query(store: GraphStore) -> list[Any]:
        return [
            relations_of(await store.paths("a", "t")),
            relations_of(await store.paths("a", "t", relations=[A])),
            relations_of(await store.paths("a", "b", relations=[R, A, R])),
        ]

    assert ask(store_factory, graphs.parallel(), query) == [
        [
            (("a", "b", "x", "t"), (A, A, A)),
            (("a", "b", "x", "t"), (R, A, A)),
            (("a", "b", "y", "t"), (A, A, R)),
            (("a", "b", "y", "t"), (R, A, R)),
        ],
        [(("a", "b", "x", "t"), (A, A, A))],
        [(("a", "b"), (A,)), (("a", "b"), (R,))],
    ]


def test_paths_over_several_relations(store_factory: StoreFactory) -> None:
    sc, ddg, dg = "security-coordinator", "deputy-director-general", "director-general"

    async def query(store: GraphStore) -> list[Any]:
        return [
            relations_of(await store.paths(sc, dg)),
            relations_of(await store.paths(sc, dg, relations=[R])),
            relations_of(await store.paths(dg, sc, relations=[D])),
        ]

    assert ask(store_factory, graphs.framework(), query) == [
        [
            ((sc, ddg, dg), (A, A)),
            ((sc, ddg, dg), (A, R)),
            ((sc, ddg, dg), (R, A)),
            ((sc, ddg, dg), (R, R)),
        ],
        [((sc, ddg, dg), (R, R))],
        [((dg, ddg, sc), (D, D))],
    ]


def test_paths_shortest_first_truncated_at_max_paths(store_factory: StoreFactory) -> None:
    found = ask(store_factory, graphs.fan_out(30), lambda s: s.paths("s", "t", max_paths=4))
    assert nodes_of(found) == [
        ("s", "t"),
        ("s", "m-0000", "t"),
        ("s", "m-0001", "t"),
        ("s", "m-0002", "t"),
    ]


def test_a_wide_fan_out_stops_at_the_most_paths_allowed(store_factory: StoreFactory) -> None:
    found = ask(
        store_factory, graphs.fan_out(1200), lambda s: s.paths("s", "t", max_paths=MAX_PATHS)
    )
    assert len(found) == MAX_PATHS
    assert nodes_of(found)[-1] == ("s", f"m-{MAX_PATHS - 2:04d}", "t")


# --- bounds and unknown ids -----------------------------------------------------------

BOUNDED_QUERIES: dict[str, Callable[[GraphStore, int, int], Awaitable[Any]]] = {
    "chains": lambda s, depth, n: s.accountability_chains("a", max_depth=depth, max_paths=n),
    "delegation": lambda s, depth, n: s.delegation_ends("a", max_depth=depth, max_paths=n),
    "paths": lambda s, depth, n: s.paths("a", "d", max_depth=depth, max_paths=n),
}


@pytest.mark.parametrize("name", sorted(BOUNDED_QUERIES))
@pytest.mark.parametrize(
    ("depth", "count"),
    [(0, 10), (-1, 10), (MAX_DEPTH + 1, 10), (4, 0), (4, MAX_PATHS + 1)],
)
def test_bounds_are_checked(store_factory: StoreFactory, name: str, depth: int, count: int) -> None:
    query = BOUNDED_QUERIES[name]
    with pytest.raises(QueryLimitError):
        ask(store_factory, graphs.chain(), lambda s: query(s, depth, count))


@pytest.mark.parametrize("name", sorted(BOUNDED_QUERIES))
def test_the_widest_bounds_are_allowed(store_factory: StoreFactory, name: str) -> None:
    query = BOUNDED_QUERIES[name]
    found = ask(store_factory, graphs.chain(), lambda s: query(s, MAX_DEPTH, MAX_PATHS))
    assert len(found) <= 1


TYPO = "dirctor-general"

ID_QUERIES: dict[str, Query] = {
    "edges": lambda s: s.edges(TYPO),
    "neighbours": lambda s: s.neighbours(TYPO, A),
    "responsibilities": lambda s: s.responsibilities(TYPO),
    "chains": lambda s: s.accountability_chains(TYPO),
    "delegation": lambda s: s.delegation_ends(TYPO),
    "paths-from": lambda s: s.paths(TYPO, "staff"),
    "paths-to": lambda s: s.paths("staff", TYPO),
}


@pytest.mark.parametrize("name", sorted(ID_QUERIES))
def test_unknown_ids_raise_with_suggestions(store_factory: StoreFactory, name: str) -> None:
    with pytest.raises(UnknownPartyError) as raised:
        ask(store_factory, graphs.framework(), ID_QUERIES[name])
    assert raised.value.party_id == TYPO
    assert "director-general" in raised.value.suggestions
    assert len(raised.value.suggestions) <= 3


def test_suggest_ids(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[str]]:
        return [
            await store.suggest_ids("securty-coordinator"),
            await store.suggest_ids("security", limit=2),
            await store.suggest_ids("director-general", limit=1),
            await store.suggest_ids("qqqqqqqqqqqqqqqq"),
        ]

    typo, prefix, exact, nothing = ask(store_factory, graphs.framework(), query)
    assert typo[0] == "security-coordinator"
    assert len(prefix) == 2
    assert all("security" in s for s in prefix)
    assert exact == ["director-general"]
    assert nothing == []


# --- paths agree with networkx on random graphs ---------------------------------------

NAMES = ("k", "c", "x", "a", "m", "f")
SCOPES = (None, "s1", "s2")


@st.composite
def random_graphs(
    draw: st.DrawFn, relations: Sequence[Relation], scopes: Sequence[str | None] = (None,)
) -> tuple[Dataset, list[str]]:
    names = list(NAMES[: draw(st.integers(2, len(NAMES)))])
    specs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(names),
                st.sampled_from(relations),
                st.sampled_from(names),
                st.sampled_from(scopes),
            ),
            max_size=16,
            unique=True,
        )
    )
    data = graphs.dataset(
        (graphs.edge(*spec) for spec in specs), [graphs.party(name) for name in names]
    )
    return data, names


Signature = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def signature(path: Sequence[Edge], start: str) -> Signature:
    return (
        (start, *(e.target for e in path)),
        tuple(e.relation.value for e in path),
        tuple(e.scope or "" for e in path),
    )


def reference_paths(
    edges: Sequence[Edge], start: str, goals: Sequence[str], max_depth: int, max_paths: int
) -> list[Signature]:
    """All simple paths from ``start`` to ``goals`` by networkx, in the protocol's order."""
    graph = nx.MultiDiGraph()
    graph.add_node(start)
    for e in edges:
        graph.add_edge(e.source, e.target, key=(e.relation, e.scope), edge=e)
    found = [
        signature([graph.edges[hop]["edge"] for hop in hops], start)
        for goal in goals
        if goal != start and goal in graph
        for hops in nx.all_simple_edge_paths(graph, start, goal, cutoff=max_depth)
    ]
    found.sort(key=lambda sig: (len(sig[0]), *sig))
    return found[:max_paths]


def signatures(paths: Sequence[Path]) -> list[Signature]:
    nodes_of(paths)
    return [signature(path.edges, path.start) for path in paths]


@settings(max_examples=150, deadline=None)
@given(
    graph=random_graphs([A, R, Relation.MEMBER_OF]),
    data=st.data(),
)
def test_paths_are_the_simple_paths_networkx_finds(
    store_factory: StoreFactory, graph: tuple[Dataset, list[str]], data: st.DataObject
) -> None:
    dataset, names = graph
    start = data.draw(st.sampled_from(names))
    goal = data.draw(st.sampled_from(names))
    relations = data.draw(st.none() | st.lists(st.sampled_from([A, R, Relation.MEMBER_OF])))
    max_depth = data.draw(st.integers(1, 6))
    max_paths = data.draw(st.integers(1, 40))
    kept = [e for e in dataset.edges if relations is None or e.relation in relations]
    expected = reference_paths(kept, start, [goal], max_depth, max_paths)
    found = ask(
        store_factory,
        dataset,
        lambda s: s.paths(
            start, goal, relations=relations, max_depth=max_depth, max_paths=max_paths
        ),
    )
    assert signatures(found) == expected


@settings(max_examples=150, deadline=None)
@given(graph=random_graphs([A, R]), data=st.data())
def test_chains_are_the_simple_paths_to_the_tops(
    store_factory: StoreFactory, graph: tuple[Dataset, list[str]], data: st.DataObject
) -> None:
    dataset, names = graph
    start = data.draw(st.sampled_from(names))
    max_depth = data.draw(st.integers(1, 6))
    max_paths = data.draw(st.integers(1, 40))
    kept = [e for e in dataset.edges if e.relation is A]
    tops = [name for name in names if not any(e.source == name for e in kept)]
    expected = reference_paths(kept, start, tops, max_depth, max_paths)
    found = ask(
        store_factory,
        dataset,
        lambda s: s.accountability_chains(start, max_depth=max_depth, max_paths=max_paths),
    )
    assert signatures(found) == expected


@settings(max_examples=150, deadline=None)
@given(graph=random_graphs([D, A], SCOPES), data=st.data())
def test_delegation_ends_are_the_simple_paths_to_the_last_delegates(
    store_factory: StoreFactory, graph: tuple[Dataset, list[str]], data: st.DataObject
) -> None:
    dataset, names = graph
    start = data.draw(st.sampled_from(names))
    scope = data.draw(st.sampled_from(SCOPES))
    max_depth = data.draw(st.integers(1, 6))
    max_paths = data.draw(st.integers(1, 40))
    kept = [e for e in dataset.edges if e.relation is D and (scope is None or e.scope == scope)]
    ends = [name for name in names if not any(e.source == name for e in kept)]
    expected = reference_paths(kept, start, ends, max_depth, max_paths)
    found = ask(
        store_factory,
        dataset,
        lambda s: s.delegation_ends(start, scope=scope, max_depth=max_depth, max_paths=max_paths),
    )
    assert signatures(found) == expected


@settings(max_examples=100, deadline=None)
@given(graph=random_graphs([A, R]), data=st.data())
def test_transitive_neighbours_are_the_breadth_first_layers_networkx_finds(
    store_factory: StoreFactory, graph: tuple[Dataset, list[str]], data: st.DataObject
) -> None:
    dataset, names = graph
    start = data.draw(st.sampled_from(names))
    relation = data.draw(st.sampled_from([A, R]))
    direction = data.draw(st.sampled_from(list(Direction)))
    reference = nx.DiGraph()
    reference.add_nodes_from(names)
    for e in dataset.edges:
        if e.relation is relation:
            if direction in (Direction.OUT, Direction.BOTH):
                reference.add_edge(e.source, e.target)
            if direction in (Direction.IN, Direction.BOTH):
                reference.add_edge(e.target, e.source)
    layers = list(nx.bfs_layers(reference, [start]))[1:]
    expected = [name for layer in layers for name in sorted(layer)]
    found = ask(
        store_factory,
        dataset,
        lambda s: s.neighbours(start, relation, direction, transitive=True),
    )
    assert ids(found) == expected


SEARCHED_TEXT = st.text(alphabet="aAbBß-1 办公室", min_size=1, max_size=7)


@st.composite
def searched_graphs(draw: st.DrawFn) -> Dataset:
    names = draw(
        st.lists(
            st.text(alphabet="abc1-", min_size=1, max_size=4), min_size=1, max_size=12, unique=True
        )
    )
    parties = [
        graphs.party(
            name,
            draw(st.sampled_from([PartyKind.OFFICE, PartyKind.BODY])),
            en=draw(SEARCHED_TEXT),
            zh=draw(st.none() | SEARCHED_TEXT),
            aliases=draw(st.lists(SEARCHED_TEXT, max_size=2, unique=True)),
        )
        for name in names
    ]
    return graphs.dataset([], parties)


@settings(max_examples=60, deadline=None)
@given(dataset=searched_graphs(), data=st.data())
def test_search_is_a_case_insensitive_substring_of_an_id_alias_or_name(
    store_factory: StoreFactory, dataset: Dataset, data: st.DataObject
) -> None:
    needle = data.draw(SEARCHED_TEXT)
    kind = data.draw(st.none() | st.sampled_from([PartyKind.OFFICE, PartyKind.BODY]))
    first = data.draw(st.integers(0, 4))
    folded = needle.casefold()
    expected = sorted(
        party.id
        for party in dataset.parties
        if (kind is None or party.kind is kind)
        and any(
            folded in text.casefold()
            for text in (party.id, *party.aliases, *party.name.values.values())
        )
    )

    async def query(store: GraphStore) -> tuple[list[str], int]:
        listed: list[str] = []
        after = None
        while True:
            page = await store.list_parties(kind=kind, search=needle, first=first, after=after)
            listed += ids(page.parties)
            if not page.has_next or not page.parties:
                break
            after = page.parties[-1].id
        return listed, await store.count_parties(kind=kind, search=needle)

    listed, count = ask(store_factory, dataset, query)
    assert count == len(expected)
    assert listed == (expected if first else [])


# --- as of a day ----------------------------------------------------------------------

BEFORE, AFTER = graphs.BEFORE, graphs.AFTER
DAYS_OF_THE_CHANGE = [
    pytest.param(None, id="any-day"),
    pytest.param(BEFORE, id="before"),
    pytest.param(graphs.LAST_OLD_DAY, id="last-old-day"),
    pytest.param(graphs.FIRST_NEW_DAY, id="first-new-day"),
    pytest.param(AFTER, id="after"),
    pytest.param(graphs.LATER, id="later"),
]


@pytest.mark.parametrize("day", DAYS_OF_THE_CHANGE)
def test_chains_delegation_and_paths_follow_the_day(
    store_factory: StoreFactory, day: dt.date | None
) -> None:
    async def query(store: GraphStore) -> list[list[tuple[str, ...]]]:
        return [
            nodes_of(await store.accountability_chains("a", as_of=day)),
            nodes_of(await store.delegation_ends("top", scope="security", as_of=day)),
            nodes_of(await store.delegation_ends("top", as_of=day)),
            nodes_of(await store.paths("a", "top", as_of=day)),
            nodes_of(await store.paths("a", "top", relations=[A], as_of=day)),
        ]

    old_chain, new_chain = ("a", "old", "top"), ("a", "new", "top")
    old_delegation, new_delegation = ("top", "old", "a"), ("top", "new", "a")
    expected = {
        None: [
            [(*new_chain, "crown"), (*old_chain, "crown")],
            [new_delegation, old_delegation],
            [new_delegation, old_delegation],
            [new_chain, old_chain],
            [new_chain, old_chain],
        ],
        BEFORE: [[old_chain], [old_delegation], [old_delegation], [old_chain], [old_chain]],
        graphs.LAST_OLD_DAY: [
            [old_chain],
            [old_delegation],
            [old_delegation],
            [old_chain],
            [old_chain],
        ],
        graphs.FIRST_NEW_DAY: [
            [new_chain],
            [new_delegation],
            [new_delegation],
            [new_chain],
            [new_chain],
        ],
        AFTER: [[new_chain], [new_delegation], [new_delegation], [new_chain], [new_chain]],
        graphs.LATER: [
            [(*new_chain, "crown")],
            [new_delegation],
            [new_delegation],
            [new_chain],
            [new_chain],
        ],
    }
    assert ask(store_factory, graphs.dated(), query) == expected[day]


def test_chains_from_a_party_that_arrives_later(store_factory: StoreFactory) -> None:
    found = ask(
        store_factory, graphs.dated(), lambda s: s.accountability_chains("late", as_of=AFTER)
    )
    assert nodes_of(found) == [("late", "a", "new", "top")]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            lambda s: s.accountability_chains("late", as_of=BEFORE),
            'party "late" is not valid on 2020-03-01 (valid from 2021-01-01)',
        ),
        (
            lambda s: s.delegation_ends("new", as_of=BEFORE),
            'party "new" is not valid on 2020-03-01 (valid from 2020-07-01)',
        ),
        (
            lambda s: s.delegation_ends("new", scope="security", as_of=BEFORE),
            'party "new" is not valid on 2020-03-01 (valid from 2020-07-01)',
        ),
        (
            lambda s: s.paths("gone", "a", as_of=BEFORE),
            'party "gone" is not valid on 2020-03-01 (valid until 2019-12-31)',
        ),
        (
            lambda s: s.paths("a", "late", relations=[A], as_of=BEFORE),
            'party "late" is not valid on 2020-03-01 (valid from 2021-01-01)',
        ),
        (
            lambda s: s.paths("late", "late", as_of=BEFORE),
            'party "late" is not valid on 2020-03-01 (valid from 2021-01-01)',
        ),
    ],
    ids=["chains", "delegation", "delegation-scoped", "paths-from", "paths-to", "paths-same"],
)
def test_a_path_query_from_a_party_not_valid_that_day_names_its_dates(
    store_factory: StoreFactory, query: Query, message: str
) -> None:
    with pytest.raises(UnknownPartyError) as raised:
        ask(store_factory, graphs.dated(), query)
    assert str(raised.value) == message
    assert raised.value.suggestions == []


def test_neighbours_follow_the_day(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> dict[str, list[list[str]]]:
        answers: dict[str, list[list[str]]] = {}
        for name, day in (("any", None), ("before", BEFORE), ("after", AFTER)):
            answers[name] = [
                ids(await store.neighbours("a", A, as_of=day)),
                ids(await store.neighbours("a", A, Direction.IN, as_of=day)),
                ids(await store.neighbours("a", A, Direction.BOTH, as_of=day)),
                ids(await store.neighbours("a", A, transitive=True, as_of=day)),
                ids(await store.neighbours("top", A, Direction.IN, transitive=True, as_of=day)),
                ids(await store.neighbours("late", A, transitive=True, as_of=day)),
            ]
        return answers

    assert ask(store_factory, graphs.dated(), query) == {
        "any": [
            ["new", "old"],
            ["late"],
            ["late", "new", "old"],
            ["new", "old", "top", "crown"],
            ["new", "old", "a", "late"],
            ["a", "new", "old", "top", "crown"],
        ],
        "before": [["old"], [], ["old"], ["old", "top"], ["old", "a"], []],
        "after": [
            ["new"],
            ["late"],
            ["late", "new"],
            ["new", "top"],
            ["new", "old", "a", "late"],
            ["a", "new", "top"],
        ],
    }


def test_edges_follow_the_day(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[Edge]]:
        return [
            await store.edges("a", Direction.BOTH, as_of=dt.date(2019, 6, 1)),
            await store.edges("a", Direction.BOTH, as_of=BEFORE),
            await store.edges("a", Direction.BOTH, as_of=AFTER),
            await store.edges("a", Direction.OUT, [A], as_of=AFTER),
            await store.edges("top", Direction.OUT, as_of=BEFORE),
            await store.edges("late", Direction.BOTH, as_of=BEFORE),
            await store.edges("late", Direction.BOTH, [], as_of=BEFORE),
        ]

    in_2019, before, after, out_after, top_before, late, none = ask(
        store_factory, graphs.dated(), query
    )
    assert edge_list(in_2019) == [
        ("a", A, "old", None),
        ("old", D, "a", "security"),
        ("gone", R, "a", None),
    ]
    assert edge_list(before) == [("a", A, "old", None), ("old", D, "a", "security")]
    assert edge_list(after) == [
        ("late", A, "a", None),
        ("a", A, "new", None),
        ("new", D, "a", "security"),
        ("old", D, "a", "security"),
    ]
    assert edge_list(out_after) == [("a", A, "new", None)]
    assert edge_list(top_before) == [("top", D, "old", "security")]
    assert late == []
    assert none == []
    data = graphs.dated()
    assert before[0] == data.edges[0]
    assert before[0].validity == Validity(valid_to=graphs.LAST_OLD_DAY)


def test_parties_listed_and_counted_on_a_day(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[Any]:
        pages: list[tuple[list[str], bool]] = []
        after = None
        while True:
            page = await store.list_parties(first=2, after=after, as_of=AFTER)
            pages.append((ids(page.parties), page.has_next))
            if not page.has_next:
                break
            after = page.parties[-1].id
        return [
            ids((await store.list_parties(as_of=None)).parties),
            ids((await store.list_parties(as_of=BEFORE)).parties),
            pages,
            ids((await store.list_parties(search="o", as_of=BEFORE)).parties),
            await store.count_parties(),
            await store.count_parties(as_of=BEFORE),
            await store.count_parties(as_of=AFTER),
            await store.count_parties(search="o", as_of=BEFORE),
            await store.count_parties(kind=PartyKind.OFFICE, as_of=dt.date(2019, 1, 1)),
        ]

    assert ask(store_factory, graphs.dated(), query) == [
        ["a", "crown", "gone", "late", "new", "old", "top"],
        ["a", "crown", "old", "top"],
        [(["a", "crown"], True), (["late", "new"], True), (["old", "top"], False)],
        ["crown", "old", "top"],
        7,
        4,
        6,
        3,
        5,
    ]


def test_get_party_on_a_day(store_factory: StoreFactory) -> None:
    data = graphs.dated()

    async def query(store: GraphStore) -> list[Any]:
        return [
            await store.get_party("late", as_of=BEFORE),
            await store.get_party("late", as_of=AFTER),
            await store.get_party("late"),
            await store.get_parties(["late", "a", "nobody", "gone"], as_of=BEFORE),
            await store.get_party("new", as_of=dt.datetime(2020, 7, 1, 9, 30)),
        ]

    assert ask(store_factory, data, query) == [
        None,
        data.party("late"),
        data.party("late"),
        [None, data.party("a"), None, None],
        data.party("new"),
    ]


def test_duties_follow_their_holder(store_factory: StoreFactory) -> None:
    data = graphs.dated()

    async def query(store: GraphStore) -> list[list[str]]:
        return [
            [r.code for r in await store.responsibilities("late", as_of=BEFORE)],
            [r.code for r in await store.responsibilities("late", as_of=AFTER)],
            [r.code for r in await store.responsibilities("late")],
            [r.code for r in await store.responsibilities("a", as_of=BEFORE)],
        ]

    assert ask(store_factory, data, query) == [[], ["III.B.2(a)"], ["III.B.2(a)"], ["III.A.3(a)"]]
    everything = ask(store_factory, data, lambda s: s.all_responsibilities())
    assert everything == list(data.responsibilities)


@pytest.mark.parametrize(
    "query",
    [
        lambda s: s.edges("lte", as_of=BEFORE),
        lambda s: s.neighbours("lte", A, as_of=BEFORE),
        lambda s: s.responsibilities("lte", as_of=BEFORE),
        lambda s: s.accountability_chains("lte", as_of=BEFORE),
        lambda s: s.paths("a", "lte", as_of=BEFORE),
    ],
    ids=["edges", "neighbours", "responsibilities", "chains", "paths"],
)
def test_an_unknown_id_on_a_day_suggests_parties_of_that_day(
    store_factory: StoreFactory, query: Query
) -> None:
    with pytest.raises(UnknownPartyError) as raised:
        ask(store_factory, graphs.dated(), query)
    assert str(raised.value).startswith('no party "lte"')
    assert "late" not in raised.value.suggestions


def test_suggestions_on_a_day(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[str]]:
        return [
            await store.suggest_ids("lte"),
            await store.suggest_ids("lte", as_of=BEFORE),
            await store.suggest_ids("lte", as_of=AFTER),
            await store.suggest_ids("GONE"),
            await store.suggest_ids("GONE", as_of=BEFORE),
            await store.suggest_ids("GONE", as_of=dt.date(2019, 12, 31)),
            await store.suggest_ids("ate", as_of=BEFORE),
            await store.suggest_ids("ate", as_of=AFTER),
        ]

    anyday, before, after, gone, gone_before, gone_last_day, inside_before, inside_after = ask(
        store_factory, graphs.dated(), query
    )
    assert "late" not in inside_before
    assert "late" in inside_after
    assert "late" in anyday
    assert "late" not in before
    assert "late" in after
    assert gone[0] == gone_last_day[0] == "gone"
    assert "gone" not in gone_before


@pytest.mark.parametrize("day", DAYS_OF_THE_CHANGE)
def test_snapshot_on_a_day_is_the_dataset_as_of_that_day(
    store_factory: StoreFactory, day: dt.date | None
) -> None:
    data = graphs.dated()
    found = ask(store_factory, data, lambda s: s.snapshot(as_of=day))
    assert found == (data if day is None else data.as_of(day))
    assert found.responsibilities == data.responsibilities


def test_stats_are_undated(store_factory: StoreFactory) -> None:
    stats = ask(store_factory, graphs.dated(), lambda s: s.stats())
    assert stats == StoreStats(dataset="dated", parties=7, edges=11, responsibilities=2)


# --- snapshots ------------------------------------------------------------------------

SNAPSHOT_DATASETS: dict[str, Callable[[], Dataset]] = {
    "wipo": load_dataset,
    "chain": graphs.chain,
    "diamond": graphs.diamond,
    "cycle": graphs.cycle,
    "dead-ends": graphs.dead_ends,
    "parallel": graphs.parallel,
    "delegation": graphs.delegation,
    "framework": graphs.framework,
    "dated": graphs.dated,
}


@pytest.mark.parametrize("name", sorted(SNAPSHOT_DATASETS))
def test_a_snapshot_is_the_dataset_loaded(store_factory: StoreFactory, name: str) -> None:
    data = SNAPSHOT_DATASETS[name]()
    assert ask(store_factory, data, lambda s: s.snapshot()) == data


# --- the WIPO framework as of its approval --------------------------------------------

APPROVED = dt.date(2008, 12, 12)
EVE = dt.date(2008, 12, 11)


def test_nothing_of_the_wipo_framework_is_valid_before_its_approval(
    store_factory: StoreFactory,
) -> None:
    async def query(store: GraphStore) -> list[Any]:
        return [
            await store.count_parties(as_of=EVE),
            (await store.list_parties(as_of=EVE)).parties,
            await store.get_party("wipo-head-sscs", as_of=EVE),
            await store.edges("wipo-head-sscs", Direction.BOTH, as_of=EVE),
            await store.responsibilities("wipo-head-sscs", as_of=EVE),
            await store.snapshot(as_of=EVE),
        ]

    data = load_dataset()
    count, parties, party, edges, duties, snapshot = ask(store_factory, data, query)
    assert (count, parties, party, edges, duties) == (0, (), None, [], [])
    assert (snapshot.parties, snapshot.edges) == ((), ())
    assert snapshot.responsibilities == data.responsibilities
    with pytest.raises(UnknownPartyError) as raised:
        ask(store_factory, data, lambda s: s.accountability_chains("wipo-head-sscs", as_of=EVE))
    assert str(raised.value) == (
        'party "wipo-head-sscs" is not valid on 2008-12-11 (valid from 2008-12-12)'
    )


def test_the_wipo_chain_is_there_from_the_day_of_approval(store_factory: StoreFactory) -> None:
    async def query(store: GraphStore) -> list[list[Path]]:
        return [
            await store.accountability_chains("wipo-head-sscs", as_of=APPROVED),
            await store.accountability_chains("wipo-head-sscs", as_of=dt.date.today()),
            await store.accountability_chains("wipo-head-sscs"),
        ]

    on_the_day, today, undated = ask(store_factory, load_dataset(), query)
    assert nodes_of(on_the_day) == [
        ("wipo-head-sscs", "wipo-director-general", "wipo-member-states")
    ]
    assert on_the_day == today == undated
    assert ask(store_factory, load_dataset(), lambda s: s.count_parties(as_of=APPROVED)) == 26


# --- on any day, a store answers as the dataset of that day ---------------------------

EPOCHS = (dt.date(2010, 1, 1), dt.date(2020, 1, 1))
VALIDITIES = (
    ALWAYS,
    Validity(valid_from=EPOCHS[0]),
    Validity(valid_to=EPOCHS[0]),
    Validity(valid_from=EPOCHS[1]),
    Validity(EPOCHS[0], EPOCHS[1]),
)
QUERY_DAYS = (dt.date(2005, 6, 1), EPOCHS[0], dt.date(2015, 6, 1), EPOCHS[1], dt.date(2025, 6, 1))


@st.composite
def random_dated_graphs(draw: st.DrawFn) -> tuple[Dataset, list[str]]:
    names = list(NAMES[: draw(st.integers(2, len(NAMES)))])
    specs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(names),
                st.sampled_from([A, A, R, D]),
                st.sampled_from(names),
                st.sampled_from(SCOPES),
            ),
            max_size=16,
            unique=True,
        )
    )
    validity = st.just(ALWAYS) | st.sampled_from(VALIDITIES)
    edges = [graphs.edge(*spec, valid=draw(validity)) for spec in specs]
    parties = [graphs.party(name, valid=draw(validity)) for name in names]
    return graphs.dataset(edges, parties), names


async def dated_answers(
    store: GraphStore, origin: str, names: Sequence[str], scope: str | None, day: dt.date | None
) -> dict[str, Any]:
    """Every question about ``names`` on ``day``: each one's chains, delegation ends,
    transitive neighbours and edges, the paths from ``origin`` to it; the parties listed."""

    async def attempt(question: Awaitable[T]) -> T | tuple[str, str]:
        try:
            return await question
        except UnknownPartyError as error:
            return ("unknown", error.party_id)

    answers: dict[str, Any] = {
        "parties": ids((await store.list_parties(as_of=day)).parties),
        "count": await store.count_parties(as_of=day),
    }
    for name in names:
        answers[f"chains {name}"] = await attempt(
            store.accountability_chains(name, max_depth=6, max_paths=40, as_of=day)
        )
        answers[f"delegation {name}"] = await attempt(
            store.delegation_ends(name, scope=scope, max_paths=40, as_of=day)
        )
        answers[f"around {name}"] = ids(
            await store.neighbours(name, A, Direction.BOTH, transitive=True, as_of=day)
        )
        answers[f"edges {name}"] = await store.edges(name, Direction.BOTH, as_of=day)
        answers[f"paths {name}"] = await attempt(
            store.paths(origin, name, max_depth=6, max_paths=40, as_of=day)
        )
    return answers


@settings(max_examples=100, deadline=None)
@given(graph=random_dated_graphs(), data=st.data())
def test_on_any_day_a_store_answers_as_the_dataset_of_that_day(
    store_factory: StoreFactory, graph: tuple[Dataset, list[str]], data: st.DataObject
) -> None:
    dataset, names = graph
    origin = data.draw(st.sampled_from(names))
    scope = data.draw(st.sampled_from(SCOPES))
    day = data.draw(st.sampled_from(QUERY_DAYS))
    then = dataset.as_of(day)
    present = [name for name in names if then.party(name) is not None]
    expected = asyncio.run(dated_answers(MemoryStore(then), origin, present, scope, None))
    for name in names:
        if name not in present:
            expected[f"chains {name}"] = expected[f"delegation {name}"] = ("unknown", name)
            expected[f"around {name}"] = expected[f"edges {name}"] = []
            unknown_end = origin if then.party(origin) is None else name
            expected[f"paths {name}"] = ("unknown", unknown_end)
    found = ask(store_factory, dataset, lambda s: dated_answers(s, origin, names, scope, day))
    assert found == expected
