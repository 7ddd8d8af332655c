"""The rule book: for each rule, a dataset that breaks it and one that keeps it."""

from __future__ import annotations

import datetime as dt

import pytest

from accountgraph.dataset import load_dataset
from accountgraph.model import Dataset, Party
from accountgraph.rules import FORMAT_RULES, RULES, RuleViolation, check_rules
from tests.rule_graphs import CHAIRS, MEMBER, REPORTS, A, D, day, edge, graph, party


def only(dataset: Dataset) -> RuleViolation:
    found = check_rules(dataset)
    assert len(found) == 1, found
    return found[0]


def codes(dataset: Dataset) -> list[str]:
    return [violation.rule for violation in check_rules(dataset)]


def test_the_wipo_dataset_keeps_every_rule() -> None:
    assert check_rules(load_dataset()) == []


def test_every_rule_has_a_code_and_a_line_of_words() -> None:
    assert list(RULES) == [
        "duplicate-party-id",
        "duplicate-edge",
        "edge-end-missing",
        "edge-outside-party-validity",
        "accountability-cycle",
        "delegation-outside-accountability",
        "chair-not-member",
    ]
    assert all(words.endswith(".") and "\n" not in words for words in RULES.values())
    assert RULES.keys() > FORMAT_RULES


# --- ids are unique -----------------------------------------------------------------------


def test_two_parties_of_one_id() -> None:
    violation = only(graph(["a", "b", "a"], [edge("a", A, "b")]))
    assert violation.rule == "duplicate-party-id"
    assert violation.parties == ("a",)
    assert '"a" is given to 2 parties' in violation.message


def test_parties_of_distinct_ids() -> None:
    assert check_rules(graph(["a", "b"], [edge("a", A, "b")])) == []


def test_two_edges_of_one_key() -> None:
    twice = edge("a", A, "b", "2020-01-01")
    violation = only(graph(["a", "b"], [edge("a", A, "b"), twice]))
    assert violation.rule == "duplicate-edge"
    assert violation.edges == (("a", "ACCOUNTABLE_TO", "b", None),)
    assert "given 2 times" in violation.message


def test_edges_that_differ_in_scope_or_relation_are_two() -> None:
    edges = [
        edge("a", D, "b", scope="security"),
        edge("a", D, "b", scope="finance"),
        edge("a", REPORTS, "b"),
        edge("b", A, "a"),
    ]
    assert check_rules(graph(["a", "b"], edges)) == []


# --- both ends of an edge exist, and take part whenever it does ----------------------------


def test_an_edge_to_no_party() -> None:
    violation = only(graph(["a"], [edge("a", REPORTS, "ghost")]))
    assert violation.rule == "edge-end-missing"
    assert violation.parties == ("a", "ghost")
    assert 'joins no party "ghost"' in violation.message


def test_an_edge_that_begins_before_its_party() -> None:
    violation = only(graph(["a", party("new", "2027-03-01")], [edge("new", REPORTS, "a")]))
    assert violation.rule == "edge-outside-party-validity"
    assert violation.parties == ("new", "a")
    assert violation.days == ((None, day("2027-02-28")),)
    assert "party new takes part from 2027-03-01" in violation.message
    assert "on every day until 2027-02-28" in violation.message


def test_a_party_added_in_the_future_may_have_edges_from_that_day() -> None:
    dataset = graph(["a", party("new", "2027-03-01")], [edge("new", A, "a", "2027-03-01")])
    assert check_rules(dataset) == []


def test_a_retired_party_leaves_no_edge_after_its_last_day() -> None:
    retired = party("old", "2000-01-01", "2026-06-30")
    violation = only(graph(["a", retired], [edge("a", REPORTS, "old", "2000-01-01")]))
    assert violation.rule == "edge-outside-party-validity"
    assert violation.days == ((day("2026-07-01"), None),)
    assert "from 2026-07-01" in violation.message


def test_an_edge_retired_with_its_party() -> None:
    retired = party("old", "2000-01-01", "2026-06-30")
    dataset = graph(["a", retired], [edge("a", REPORTS, "old", "2001-01-01", "2026-06-30")])
    assert check_rules(dataset) == []


def test_an_edge_outside_both_its_parties_is_one_violation_naming_both() -> None:
    a, b = party("a", "2010-01-01", "2010-12-31"), party("b", "2012-01-01", "2012-12-31")
    violation = only(graph([a, b], [edge("a", REPORTS, "b", "2010-01-01", "2012-12-31")]))
    assert violation.days == ((day("2010-01-01"), day("2012-12-31")),)
    assert "party a takes part" in violation.message
    assert "party b takes part" in violation.message


# --- no accountability cycle on any day ------------------------------------------------------


def test_a_cycle_on_every_day() -> None:
    violation = only(
        graph(["a", "b", "c"], [edge("a", A, "b"), edge("b", A, "c"), edge("c", A, "a")])
    )
    assert violation.rule == "accountability-cycle"
    assert violation.parties == ("a", "b", "c")
    assert violation.edges == (
        ("a", "ACCOUNTABLE_TO", "b", None),
        ("b", "ACCOUNTABLE_TO", "c", None),
        ("c", "ACCOUNTABLE_TO", "a", None),
    )
    assert violation.days == ((None, None),)
    assert "a -> b -> c -> a" in violation.message
    assert "A/46/11 III.A.1" in violation.message


def test_a_cycle_that_exists_only_in_2027_is_a_cycle() -> None:
    edges = [edge("a", A, "b"), edge("b", A, "c"), edge("c", A, "a", "2027-01-01", "2027-12-31")]
    violation = only(graph(["a", "b", "c"], edges))
    assert violation.days == ((day("2027-01-01"), day("2027-12-31")),)
    assert "on every day from 2027-01-01 to 2027-12-31" in violation.message


def test_a_cycle_closed_only_while_a_party_takes_part() -> None:
    parties: list[Party | str] = ["a", "b", party("c", "2030-01-01")]
    edges = [edge("a", A, "b"), edge("b", A, "c", "2030-01-01"), edge("c", A, "a", "2030-01-01")]
    violation = only(graph(parties, edges))
    assert violation.rule == "accountability-cycle"
    assert violation.days == ((day("2030-01-01"), None),)


def test_a_line_replaced_on_a_day_makes_no_cycle() -> None:
    edges = [
        edge("a", A, "b", None, "2026-12-31"),
        edge("b", A, "a", "2027-01-01"),
        edge("c", A, "a"),
    ]
    assert check_rules(graph(["a", "b", "c"], edges)) == []


def test_a_party_accountable_to_itself() -> None:
    violation = only(graph(["a"], [edge("a", A, "a")]))
    assert violation.rule == "accountability-cycle"
    assert violation.parties == ("a",)


def test_two_cycles_are_two_violations() -> None:
    edges = [edge("a", A, "b"), edge("b", A, "a"), edge("c", A, "d"), edge("d", A, "c")]
    assert [v.parties for v in check_rules(graph(["a", "b", "c", "d"], edges))] == [
        ("a", "b"),
        ("c", "d"),
    ]


def test_a_diamond_is_no_cycle() -> None:
    edges = [edge("a", A, "b"), edge("a", A, "c"), edge("b", A, "d"), edge("c", A, "d")]
    assert check_rules(graph(["a", "b", "c", "d"], edges)) == []


def test_a_long_chain_is_no_cycle_and_closed_it_is_one() -> None:
    names = [f"p{n}" for n in range(3000)]
    chain = [edge(names[n], A, names[n + 1]) for n in range(len(names) - 1)]
    assert check_rules(graph(names, chain)) == []
    violation = only(graph(names, [*chain, edge(names[-1], A, names[0])]))
    assert len(violation.parties) == len(names)


# --- delegation only down the line of accountability (A/46/11 III.A.1) -----------------------


def test_a_delegation_to_a_party_not_accountable_to_the_delegator() -> None:
    violation = only(graph(["dg", "x"], [edge("dg", D, "x", scope="security")]))
    assert violation.rule == "delegation-outside-accountability"
    assert violation.parties == ("dg", "x")
    assert violation.edges == (("dg", "DELEGATES_TO", "x", "security"),)
    assert "x is not accountable to dg" in violation.message
    assert "A/46/11 III.A.1" in violation.message


def test_a_delegation_to_a_party_accountable_directly() -> None:
    dataset = graph(["dg", "x"], [edge("dg", D, "x", scope="security"), edge("x", A, "dg")])
    assert check_rules(dataset) == []


def test_a_delegation_down_the_chain() -> None:
    edges = [edge("dg", D, "z"), edge("z", A, "y"), edge("y", A, "x"), edge("x", A, "dg")]
    assert check_rules(graph(["dg", "x", "y", "z"], edges)) == []


def test_a_delegation_that_outlasts_the_line_of_accountability() -> None:
    edges = [edge("dg", D, "x"), edge("x", A, "dg", None, "2026-12-31")]
    violation = only(graph(["dg", "x"], edges))
    assert violation.days == ((day("2027-01-01"), None),)
    assert "on every day from 2027-01-01" in violation.message


def test_a_delegation_held_by_one_line_then_another() -> None:
    edges = [
        edge("dg", D, "x"),
        edge("x", A, "dg", None, "2026-12-31"),
        edge("x", A, "y", "2027-01-01"),
        edge("y", A, "dg"),
    ]
    assert check_rules(graph(["dg", "x", "y"], edges)) == []


def test_a_delegation_with_a_gap_in_its_line() -> None:
    edges = [
        edge("dg", D, "x"),
        edge("x", A, "dg", None, "2026-12-31"),
        edge("x", A, "dg", "2027-02-01", scope="security"),
    ]
    violation = only(graph(["dg", "x"], edges))
    assert violation.days == ((day("2027-01-01"), day("2027-01-31")),)


def test_accountability_upwards_is_not_a_delegation_s_line() -> None:
    violation = only(graph(["dg", "x"], [edge("dg", D, "x"), edge("dg", A, "x")]))
    assert violation.rule == "delegation-outside-accountability"


def test_a_party_with_several_principals_checks_each() -> None:
    edges = [
        edge("x", A, "p"),
        edge("x", A, "q"),
        edge("x", A, "r"),
        edge("p", D, "x"),
        edge("q", D, "x"),
        edge("r", D, "x"),
    ]
    assert check_rules(graph(["p", "q", "r", "x"], edges)) == []
    assert codes(graph(["p", "q", "r", "s", "x"], [*edges, edge("s", D, "x")])) == [
        "delegation-outside-accountability"
    ]


# --- a chair drawn from the members is a member --------------------------------------------


def test_a_chair_of_a_group_chaired_by_its_members_who_is_no_member() -> None:
    parties: list[Party | str] = ["a", party("group", chair_from_members=True)]
    violation = only(graph(parties, [edge("a", CHAIRS, "group")]))
    assert violation.rule == "chair-not-member"
    assert violation.parties == ("a", "group")
    assert violation.days == ((None, None),)
    assert "A/46/11 I(e)" in violation.message


def test_a_chair_who_is_a_member() -> None:
    parties: list[Party | str] = ["a", party("group", chair_from_members=True)]
    edges = [edge("a", CHAIRS, "group"), edge("a", MEMBER, "group")]
    assert check_rules(graph(parties, edges)) == []


def test_a_chair_who_stops_being_a_member_before_they_stop_chairing() -> None:
    parties: list[Party | str] = ["a", party("group", chair_from_members=True)]
    edges = [
        edge("a", CHAIRS, "group", "2020-01-01"),
        edge("a", MEMBER, "group", None, "2025-12-31"),
    ]
    violation = only(graph(parties, edges))
    assert violation.days == ((day("2026-01-01"), None),)


def test_a_chair_of_a_body_that_does_not_take_its_chair_from_its_members() -> None:
    """As the SMG's chair, the Designated Official, is not among its members (I(d))."""
    assert check_rules(graph(["a", "group"], [edge("a", CHAIRS, "group")])) == []


# --- the book as a whole ---------------------------------------------------------------------


def test_violations_come_by_rule_then_by_parties() -> None:
    parties: list[Party | str] = ["a", "b", "c", party("g", chair_from_members=True)]
    edges = [
        edge("c", CHAIRS, "g"),
        edge("b", D, "a"),
        edge("a", D, "c"),
        edge("b", A, "a"),
        edge("a", A, "b"),
        edge("a", REPORTS, "ghost"),
    ]
    found = check_rules(graph(parties, edges))
    assert [(v.rule, v.parties) for v in found] == [
        ("edge-end-missing", ("a", "ghost")),
        ("accountability-cycle", ("a", "b")),
        ("delegation-outside-accountability", ("a", "c")),
        ("chair-not-member", ("c", "g")),
    ]


def test_skipped_rules_are_not_checked() -> None:
    dataset = graph(["a", "a"], [edge("a", REPORTS, "ghost")])
    assert codes(dataset) == ["duplicate-party-id", "edge-end-missing"]
    assert check_rules(dataset, skip=FORMAT_RULES) == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, "0001-01-01", (None, dt.date.min)),
        ("9999-12-31", None, (dt.date.max, None)),
        ("9999-12-31", "9999-12-31", (dt.date.max, None)),
    ],
)
def test_the_ends_of_the_calendar(
    start: str | None, end: str | None, expected: tuple[dt.date | None, dt.date | None]
) -> None:
    violation = only(graph(["a", "b"], [edge("a", A, "b"), edge("b", A, "a", start, end)]))
    assert violation.days == (expected,)
