"""The rule book against a reading of its rules day by day, on random small graphs.

The oracle looks at the graph as it stands on each day that matters (every first and last
day of a validity, and the days either side) with networkx, and says which rule fails on
that day; the rule book must report a violation covering exactly those days.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountgraph.model import Dataset, Edge, Party, Relation, Validity
from accountgraph.rules import RuleViolation, check_rules
from accountgraph.rules.days import Span
from tests.rule_graphs import CHAIR_FROM_MEMBERS, CHAIRS, MEMBER, REPORTS, A, D, graph, party

IDS = ("a", "b", "c", "d", "e")
YEARS = [dt.date(year, 1, 1) for year in range(2020, 2026)]
RELATIONS = [A, A, A, D, D, CHAIRS, MEMBER, MEMBER, REPORTS]
_ONE_DAY = dt.timedelta(days=1)


@st.composite
def spans(draw: st.DrawFn) -> Validity:
    """Days from a handful of boundaries, so that the validities of a graph interact."""
    start = draw(st.none() | st.sampled_from(YEARS))
    end = draw(st.none() | st.sampled_from(YEARS).map(lambda d: d + dt.timedelta(days=180)))
    if start is not None and end is not None and start > end:
        start, end = end, start
    return Validity(start, end)


@st.composite
def graphs(draw: st.DrawFn) -> Dataset:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True))
    parties = [
        party(
            party_id,
            chair_from_members=draw(st.booleans()),
        )
        for party_id in ids
    ]
    parties = [
        Party(p.id, p.kind, p.name, facts=p.facts, validity=draw(st.just(Validity()) | spans()))
        for p in parties
    ]
    edges: dict[tuple[str, Relation, str, str | None], Edge] = {}
    ends = [*ids, "ghost"] if draw(st.integers(0, 9)) == 0 else ids
    for _ in range(draw(st.integers(0, 10))):
        source, target = draw(st.sampled_from(ends)), draw(st.sampled_from(ends))
        relation = draw(st.sampled_from(RELATIONS))
        scope = draw(st.sampled_from([None, None, "security"]))
        edge = Edge(source, relation, target, (), scope, None, draw(spans()))
        edges.setdefault(edge.key, edge)
    return graph(parties, list(edges.values()))


def _candidate_days(dataset: Dataset) -> list[dt.date]:
    found = {dt.date(1990, 1, 1), dt.date(2090, 1, 1)}
    for validity in [p.validity for p in dataset.parties] + [e.validity for e in dataset.edges]:
        for bound in (validity.valid_from, validity.valid_to):
            if bound is not None:
                found |= {bound - _ONE_DAY, bound, bound + _ONE_DAY}
    return sorted(found)


def _failing_on(dataset: Dataset, day: dt.date) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each rule that fails on ``day`` in the graph of that day: its code and parties (for a
    cycle, those of a strongly connected part of the day's accountability graph)."""
    present = {p.id for p in dataset.parties if p.validity.holds_on(day)}
    known = {p.id for p in dataset.parties}
    for edge in dataset.edges:
        if edge.validity.holds_on(day) and ({edge.source, edge.target} & known) - present:
            yield "edge-outside-party-validity", (edge.source, edge.target)
    today = dataset.as_of(day)
    lines = nx.DiGraph()
    lines.add_edges_from((e.source, e.target) for e in today.edges if e.relation is A)
    for part in nx.strongly_connected_components(lines):
        some = next(iter(part))
        if len(part) > 1 or lines.has_edge(some, some):
            yield "accountability-cycle", tuple(sorted(part))
    for edge in today.edges:
        if edge.relation is D and not _accountable(lines, edge.target, edge.source):
            yield "delegation-outside-accountability", (edge.source, edge.target)
        body = today.party(edge.target)
        chaired_by_members = body is not None and CHAIR_FROM_MEMBERS in body.facts
        if edge.relation is CHAIRS and chaired_by_members:
            pairs = {(e.source, e.target) for e in today.edges if e.relation is MEMBER}
            if (edge.source, edge.target) not in pairs:
                yield "chair-not-member", (edge.source, edge.target)


def _accountable(lines: nx.DiGraph, party_id: str, to: str) -> bool:
    if party_id == to:
        return True
    return party_id in lines and to in lines and bool(nx.has_path(lines, party_id, to))


def _covers(violation: RuleViolation, day: dt.date) -> bool:
    return any(_holds(span, day) for span in violation.days)


def _holds(span: Span, day: dt.date) -> bool:
    return (span[0] is None or span[0] <= day) and (span[1] is None or day <= span[1])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=graphs())
def test_the_rules_fail_on_exactly_the_days_the_graph_of_each_day_breaks_them(
    dataset: Dataset,
) -> None:
    found = check_rules(dataset)
    dated = [v for v in found if v.rule not in ("edge-end-missing",)]
    for day in _candidate_days(dataset):
        failing = set(_failing_on(dataset, day))
        reported = [v for v in dated if _covers(v, day)]
        for violation in reported:
            if violation.rule == "accountability-cycle":
                parts = [set(p) for rule, p in failing if rule == violation.rule]
                assert any(set(violation.parties) <= part for part in parts), (day, violation)
            else:
                assert (violation.rule, violation.parties) in failing, (day, violation)
        for rule, parties in failing:
            if rule == "accountability-cycle":
                assert any(v.rule == rule and set(v.parties) <= set(parties) for v in reported)
            else:
                assert any((v.rule, v.parties) == (rule, parties) for v in reported), (day, rule)


@settings(max_examples=200, deadline=None)
@given(dataset=graphs())
def test_a_reported_cycle_is_a_cycle_of_its_edges_on_each_of_its_days(dataset: Dataset) -> None:
    for violation in check_rules(dataset):
        if violation.rule != "accountability-cycle":
            continue
        parties = violation.parties
        steps = list(zip(parties, (*parties[1:], parties[0]), strict=True))
        assert [(s, t) for s, _, t, _ in violation.edges] == steps
        by_key = {(e.source, e.relation.value, e.target, e.scope): e for e in dataset.edges}
        for first, last in violation.days:
            today = dataset.as_of(first or last or dt.date(2000, 1, 1))
            assert all(by_key[key] in today.edges for key in violation.edges)


@settings(max_examples=200, deadline=None)
@given(dataset=graphs(), seed=st.integers(0, 2**32))
def test_the_order_of_parties_and_edges_changes_nothing(dataset: Dataset, seed: int) -> None:
    shuffled = random.Random(seed)
    parties, edges = list(dataset.parties), list(dataset.edges)
    shuffled.shuffle(parties)
    shuffled.shuffle(edges)
    assert check_rules(graph(parties, edges)) == check_rules(dataset)


@settings(max_examples=200, deadline=None)
@given(dataset=graphs())
def test_days_are_joined_in_order_and_every_rule_names_its_parties(dataset: Dataset) -> None:
    for violation in check_rules(dataset):
        assert violation.parties
        for (_, end), (start, _) in zip(violation.days, violation.days[1:], strict=False):
            assert end is not None
            assert start is not None
            assert end + _ONE_DAY < start
