"""Model objects made many at a time (:mod:`accountgraph.dataset.instances`) equal those
their constructors make."""

from __future__ import annotations

from itertools import repeat

import pytest

from accountgraph.dataset.instances import instances
from accountgraph.model import ALWAYS, Citation, Edge, Party, PartyKind, Relation, Text

CITE = (Citation("A/46/11", "I", Text({"en": "I"})),)


def test_edges_equal_those_of_the_constructor() -> None:
    made = instances(
        Edge,
        2,
        {
            "source": ["a", "b"],
            "relation": [Relation.REPORTS_TO, Relation.DELEGATES_TO],
            "target": ["b", "c"],
            "citations": repeat(CITE),
            "scope": [None, "security"],
        },
    )
    assert made == [
        Edge("a", Relation.REPORTS_TO, "b", CITE),
        Edge("b", Relation.DELEGATES_TO, "c", CITE, scope="security"),
    ]
    assert made[1].validity is ALWAYS
    assert hash(made[0]) == hash(Edge("a", Relation.REPORTS_TO, "b", CITE))


def test_parties_take_the_defaults_of_fields_not_given() -> None:
    (party,) = instances(
        Party, 1, {"id": ["dg"], "kind": [PartyKind.OFFICE], "name": [Text({"en": "DG"})]}
    )
    assert party == Party("dg", PartyKind.OFFICE, Text({"en": "DG"}))
    assert party.aliases == ()
    assert party.name_in_source is True


def test_a_field_without_a_default_needs_a_column() -> None:
    with pytest.raises(ValueError, match=r"Edge\.citations has no default"):
        instances(Edge, 1, {"source": ["a"], "relation": [Relation.CHAIRS], "target": ["b"]})


def test_a_column_of_the_wrong_length_or_name_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1 values of Party\.id for 2 objects"):
        instances(Party, 2, {"id": ["a"], "kind": repeat(PartyKind.OFFICE), "name": repeat(None)})
    with pytest.raises(ValueError, match="Party has no field colour"):
        instances(Party, 1, {"colour": ["red"]})
