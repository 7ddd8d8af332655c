"""What a document costs and how deep it nests, priced from the document alone."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_ast_schema, get_introspection_query, parse

from accountgraph.api.cost import (
    AUDIT_COST,
    DEFAULT_LIST_SIZE,
    TRANSITIVE_REACH,
    CostModel,
)
from accountgraph.api.document_limits import measure
from accountgraph.api.schema import build_schema


@pytest.fixture(scope="module")
def model() -> CostModel:
    return build_schema().costs


def cost(model: CostModel, document: str, variables: dict[str, Any] | None = None) -> int:
    priced = model.price(parse(document), None, variables)
    assert priced is not None
    return priced.total


def doubling(fragments: int, leaf: str = "dataset { name }") -> str:
    """``{ ...F0 }`` where each fragment spreads the next twice: 2^(n-1) leaves as run."""
    chain = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments - 1)
    )
    return f"{{ ...F0 }} {chain} fragment F{fragments - 1} on Query {{ {leaf} }}"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # every field counts once per value, its selections once more per value
        ("{ dataset { name } }", 1 * (1 + 1)),
        ("{ dataset { name parties } }", 1 * (1 + 2)),
        ("{ __typename }", 1),
        # a party's edges: an assumed 10 in one direction, 20 in both
        ('{ party(id: "ceb") { edges { to { id } } } }', 1 + 10 * (1 + 1 * (1 + 1))),
        ('{ party(id: "ceb") { edges(direction: IN) { relation } } }', 1 + 10 * (1 + 1)),
        ('{ party(id: "ceb") { edges(direction: BOTH) { relation } } }', 1 + 20 * (1 + 1)),
        # a page of parties holds `first` of them, 50 by default, at most 500
        ("{ parties(first: 3) { edges { node { id } } } }", 1 * (1 + 3 * (1 + 1 * (1 + 1)))),
        ("{ parties { totalCount edges { cursor } } }", 1 * (1 + 1 + 50 * (1 + 1))),
        ("{ parties(first: 5000) { edges { cursor } } }", 1 * (1 + 500 * (1 + 1))),
        ("{ parties(first: null) { edges { cursor } } }", 1 * (1 + 50 * (1 + 1))),
        # a path query: first × maxDepth of search, first paths of maxDepth steps
        (
            '{ paths(fromId: "a", toId: "b", maxDepth: 2, first: 3) { nodes { id } } }',
            3 * 2 + 3 * (1 + (2 + 1) * (1 + 1)),
        ),
        (
            '{ paths(fromId: "a", toId: "b", maxDepth: 2, first: 3)'
            " { explanation edges { to { id } } } }",
            3 * 2 + 3 * (1 + 2 + 2 * (1 + 1 * (1 + 1))),
        ),
        ('{ accountabilityChains(id: "a") { length } }', 100 * 16 + 100 * (1 + 1)),
        ('{ delegationEnds(id: "a", maxDepth: 99, first: 9999) { length } }', 1000 * 32 + 1000 * 2),
        # transitive neighbours: an assumed reach, and the search for it
        (
            '{ party(id: "a") { accountableTo(transitive: true) { id } } }',
            1 + TRANSITIVE_REACH + TRANSITIVE_REACH * (1 + 1),
        ),
        ('{ party(id: "a") { accountableTo { id } } }', 1 + 5 * (1 + 1)),
        ("{ audit { errors } }", AUDIT_COST + 1 * (1 + 1)),
        # a list neither arguments nor assumptions bound counts the default
        ('{ party(id: "a") { ... on Body { members { id } } } }', 1 + 10 * (1 + 1)),
    ],
)
def test_cost_of_small_documents(model: CostModel, document: str, expected: int) -> None:
    assert cost(model, document) == expected


def test_a_list_nothing_bounds_counts_the_default_size() -> None:
    schema = build_ast_schema(parse("type Query { things: [Thing] } type Thing { id: ID }"))
    assert cost(CostModel(schema), "{ things { id } }") == DEFAULT_LIST_SIZE * (1 + 1)


def test_variables_are_resolved(model: CostModel) -> None:
    document = "query ($n: Int, $d: Direction) { parties(first: $n) { edges { node { id } } } }"
    assert cost(model, document, {"n": 3}) == 1 * (1 + 3 * (1 + 1 * (1 + 1)))
    assert cost(model, document, {"n": 4}) == 1 * (1 + 4 * (1 + 1 * (1 + 1)))
    assert cost(model, document) == 1 * (1 + 50 * (1 + 1 * (1 + 1)))


def test_a_variable_default_is_used_when_no_value_is_given(model: CostModel) -> None:
    document = (
        'query ($d: Direction = BOTH) { party(id: "a") { edges(direction: $d) { relation } } }'
    )
    assert cost(model, document) == 1 + 20 * (1 + 1)
    assert cost(model, document, {"d": "OUT"}) == 1 + 10 * (1 + 1)


def test_the_cache_keeps_apart_values_of_the_variables_the_cost_depends_on(
    model: CostModel,
) -> None:
    text = (
        "query ($n: Int, $id: ID!)"
        " { parties(first: $n) { edges { cursor } } party(id: $id) { id } }"
    )
    document = parse(text)

    def cached(variables: dict[str, Any]) -> int | None:
        return model.cost(document, text=text, operation_name=None, variables=variables)

    assert cached({"n": 2, "id": "a"}) == 1 * (1 + 2 * 2) + 1 * (1 + 1)
    assert cached({"n": 3, "id": "a"}) == 1 * (1 + 3 * 2) + 1 * (1 + 1)
    assert cached({"n": 2, "id": "b"}) == 1 * (1 + 2 * 2) + 1 * (1 + 1)
    priced = model.price(document, None, {"n": 2, "id": "a"})
    assert priced is not None
    assert priced.variables == ("n",)


def test_operations_are_priced_by_name(model: CostModel) -> None:
    document = parse("query Small { dataset { name } } query Big { parties { totalCount } }")
    small, big = model.price(document, "Small"), model.price(document, "Big")
    assert small is not None
    assert small.total == 2
    assert big is not None
    assert big.total == 2
    assert model.price(document, "Nope") is None


def test_a_path_fragment_is_priced_for_each_depth_it_is_spread_at(model: CostModel) -> None:
    document = """
      { short: paths(fromId: "a", toId: "b", maxDepth: 2, first: 1) { ...Steps }
        long: paths(fromId: "a", toId: "b", maxDepth: 4, first: 1) { ...Steps } }
      fragment Steps on Path { edges { relation } }
    """
    assert cost(model, document) == (2 + 1 * (1 + 2 * 2)) + (4 + 1 * (1 + 4 * 2))


def test_doubling_fragments_are_priced_once_each(model: CostModel) -> None:
    priced = model.price(parse(doubling(25)), None)
    assert priced is not None
    assert priced.total == 2**24 * 2
    # each fragment's two spreads and its one definition: no more visits than that
    assert priced.visits <= 2 * 25 + 2


def test_the_usual_introspection_query_is_priced_at_its_size(model: CostModel) -> None:
    priced = model.price(parse(get_introspection_query(descriptions=True)), None)
    assert priced is not None
    assert 1_000 < priced.total < 50_000


# --- depth, aliases and fragment spreads ----------------------------------------------


def test_depth_counts_fields_nested_in_one_another() -> None:
    [operation] = measure(parse('{ party(id: "a") { edges { to { id } } } }')).operations
    assert operation.depth == 3
    assert operation.aliases == 0


def test_fragments_count_where_they_are_spread() -> None:
    document = parse(
        '{ a: party(id: "x") { ...Far } b: dataset { name } }'
        " fragment Far on Party { edges { e: to { id } } }"
    )
    [operation] = measure(document).operations
    assert operation.depth == 3
    assert operation.aliases == 3


def test_an_alias_in_a_fragment_counts_each_time_it_is_spread() -> None:
    shape = measure(parse(doubling(11, "a: dataset { name }")))
    assert shape.operations[0].aliases == 2**10
    assert shape.fragment_spreads == 1 + 2 * 10


def test_measuring_doubling_fragments_visits_each_node_once() -> None:
    shape = measure(parse(doubling(25)))
    assert shape.operations[0].depth == 1
    assert shape.visits == 1 + 2 * 24 + 2


def test_introspection_does_not_count_toward_depth() -> None:
    document = parse(
        "{ __schema { types { fields { type { ...T } } } } }"
        " fragment T on __Type { ofType { name } }"
    )
    assert measure(document).operations[0].depth == 0


@pytest.mark.parametrize(
    "document",
    ["{ ...Nope }", "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", "{ }"],
)
def test_unknown_fragments_and_cycles_measure_as_empty(document: str) -> None:
    [operation] = measure(parse(document)).operations
    assert (operation.depth, operation.aliases) == (0, 0)


def test_a_long_chain_of_fragments_needs_no_deep_recursion() -> None:
    length = 3000
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length))
    document = parse(f"{{ ...F0 }} {chain} fragment F{length} on Query {{ dataset {{ name }} }}")
    assert measure(document).operations[0].depth == 1
