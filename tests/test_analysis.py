"""Each audit check on small graphs where it must fire and where it must not."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from accountgraph.analysis import CHECKS, Finding, Severity, audit
from accountgraph.dataset import load_dataset
from accountgraph.model import (
    Citation,
    Dataset,
    Edge,
    Fact,
    Party,
    PartyKind,
    Relation,
    Responsibility,
    Text,
    Validity,
)
from accountgraph.rules import RULES, check_rules
from tests.graphs import A, D, dataset, edge, party

R = Relation.REPORTS_TO


def top(party_id: str) -> Party:
    return replace(party(party_id), apex=True)


def found(data: Dataset, check: str) -> list[Finding]:
    return [f for f in audit(data) if f.check == check]


def test_a_clean_chain_has_no_error_or_warning() -> None:
    data = dataset([edge("a", A, "b"), edge("b", A, "top")], [top("top")])
    assert [f for f in audit(data) if f.severity is not Severity.INFO] == []


def test_cycle_is_an_error_naming_its_parties_and_sections() -> None:
    data = dataset([edge("a", A, "b"), edge("b", A, "c"), edge("c", A, "a")])
    [cycle] = found(data, "accountability-cycle")
    assert cycle.severity is Severity.ERROR
    assert cycle.parties == ("a", "b", "c")
    assert cycle.sections == ("I",)


def test_no_cycle_in_a_diamond() -> None:
    data = dataset(
        [edge("a", A, "b"), edge("a", A, "c"), edge("b", A, "d"), edge("c", A, "d")], [top("d")]
    )
    assert found(data, "accountability-cycle") == []


def test_orphan_is_an_error_unless_declared_apex() -> None:
    data = dataset([edge("a", A, "b")])
    [orphan] = found(data, "no-accountability-chain")
    assert orphan.parties == ("b",)
    declared = dataset([edge("a", A, "b")], [top("b")])
    assert found(declared, "no-accountability-chain") == []
    [info] = found(declared, "declared-apex")
    assert info.severity is Severity.INFO


def test_an_office_holding_an_accountable_role_is_covered() -> None:
    data = dataset(
        [edge("office", Relation.SERVES_AS, "role"), edge("role", A, "top")], [top("top")]
    )
    assert found(data, "no-accountability-chain") == []


def test_apex_with_a_principal_is_a_contradiction() -> None:
    data = dataset([edge("a", A, "b")], [top("a"), top("b")])
    [finding] = found(data, "apex-with-principal")
    assert finding.parties == ("a", "b")


def test_a_delegation_outside_accountability() -> None:
    delegated = [edge("boss", D, "deputy", "security")]
    data = dataset(delegated, [top("boss"), top("deputy")])
    [finding] = found(data, "delegation-outside-accountability")
    assert finding.parties == ("boss", "deputy")
    assert finding.sections == ("I",)
    through_others = dataset(
        [*delegated, edge("deputy", A, "chief"), edge("chief", A, "boss")], [top("boss")]
    )
    assert found(through_others, "delegation-outside-accountability") == []


def test_every_rule_of_the_rule_book_is_a_check_under_its_code() -> None:
    rule_checks = [c for c in CHECKS if c.name in RULES]
    assert [c.name for c in rule_checks] == list(RULES)
    assert {c.severity for c in rule_checks} == {Severity.ERROR}


def test_the_rule_book_findings_are_its_violations_in_the_audit_s_shape() -> None:
    data = dataset(
        [edge("a", A, "b"), edge("b", A, "a"), edge("boss", D, "deputy")],
        [top("boss"), top("deputy")],
    )
    from_rules = {(v.rule, v.message, v.parties) for v in check_rules(data)}
    from_audit = {(f.check, f.message, f.parties) for f in audit(data) if f.check in RULES}
    assert from_audit == from_rules
    assert {rule for rule, _, _ in from_rules} == {
        "accountability-cycle",
        "delegation-outside-accountability",
    }


SPRING = dt.date(2027, 4, 1)


def test_on_a_day_only_the_rules_broken_that_day_are_found() -> None:
    # The deputy answers to the boss from 2027-03-01 only: the delegation, which holds on
    # every day, is outside accountability before then, not on SPRING.
    line = edge("deputy", A, "boss", valid=Validity(dt.date(2027, 3, 1), None))
    data = dataset([edge("boss", D, "deputy"), line], [top("boss")])
    [finding] = found(data, "delegation-outside-accountability")
    assert "on every day until 2027-02-28" in finding.message
    assert [f for f in audit(data, SPRING) if f.severity is Severity.ERROR] == []
    before = audit(data, dt.date(2027, 2, 1))
    assert [f.check for f in before if f.severity is Severity.ERROR] == [
        "delegation-outside-accountability"
    ]


def test_on_a_day_a_duty_retired_with_its_holder_is_no_gap() -> None:
    retired = Validity(None, dt.date(2027, 2, 28))
    duty = Responsibility("III.A.3(a)", "ghost", Text({"en": "Does it."}), "T/1", None, retired)
    data = dataset([edge("a", A, "b")], [top("b")], [duty])
    assert found(data, "duty-without-holder") != []
    assert [f for f in audit(data, SPRING) if f.check == "duty-without-holder"] == []
    on_its_last_day = audit(data, dt.date(2027, 2, 28))
    assert [f.parties for f in on_its_last_day if f.check == "duty-without-holder"] == [("ghost",)]


def test_duty_without_holder() -> None:
    duty = Responsibility("III.A.3(a)", "ghost", Text({"en": "Does it."}), "T/1")
    data = dataset([edge("a", A, "b")], [top("b")], [duty])
    [finding] = found(data, "duty-without-holder")
    assert finding.parties == ("ghost",)
    assert finding.sections == ("III.A.3(a)",)


def test_role_without_holder_is_a_warning() -> None:
    role = replace(party("role"), kind=PartyKind.ROLE, apex=True)
    [finding] = found(dataset([], [role]), "role-without-holder")
    assert finding.severity is Severity.WARNING
    held = dataset([edge("office", Relation.SERVES_AS, "role")], [role, top("office")])
    assert found(held, "role-without-holder") == []


def _body(chair_from_members: bool) -> Party:
    rule = Fact("chair_from_members", chair_from_members, Citation("T/1", "II"))
    return replace(party("board"), kind=PartyKind.BODY, apex=True, facts=(rule,))


def test_chair_must_be_a_member_where_the_chair_comes_from_the_members() -> None:
    edges = [edge("x", Relation.MEMBER_OF, "board"), edge("y", Relation.CHAIRS, "board")]
    [finding] = found(dataset(edges, [_body(True), top("x"), top("y")]), "chair-not-member")
    assert finding.parties == ("y", "board")
    assert finding.sections == ("I",)
    member_chair = [*edges, edge("y", Relation.MEMBER_OF, "board")]
    assert found(dataset(member_chair, [_body(True), top("x"), top("y")]), "chair-not-member") == []
    assert found(dataset(edges, [_body(False), top("x"), top("y")]), "chair-not-member") == []


def test_body_without_members_is_a_warning() -> None:
    data = dataset([], [_body(False)])
    [finding] = found(data, "body-without-members")
    assert finding.severity is Severity.WARNING


def test_uncited_and_unknown_sections() -> None:
    bad = Edge("a", A, "b", (Citation("T/1", "IX.Z"),))
    data = dataset([bad, Edge("b", A, "c", ())], [top("c")])
    [unknown] = found(data, "unknown-section")
    assert unknown.sections == ("IX.Z",)
    [uncited] = found(data, "uncited-edge")
    assert uncited.parties == ("b", "c")


def test_single_point_of_accountability_is_information() -> None:
    below = [edge(f"p{i}", A, "hub") for i in range(4)]
    data = dataset([*below, edge("hub", A, "top")], [top("top")])
    [finding] = found(data, "single-point-of-accountability")
    assert finding.severity is Severity.INFO
    assert finding.parties == ("hub", "p0", "p1", "p2", "p3")
    small = dataset([edge("p0", A, "hub"), edge("hub", A, "top")], [top("top")])
    assert found(small, "single-point-of-accountability") == []


def test_dual_lines_are_information() -> None:
    data = dataset([edge("a", A, "b"), edge("a", R, "c")], [top("b"), top("c")])
    [finding] = found(data, "dual-lines")
    assert finding.parties == ("a", "b", "c")
    assert found(dataset([edge("a", A, "b"), edge("a", R, "b")], [top("b")]), "dual-lines") == []


def test_reporting_without_accountability_is_a_warning() -> None:
    data = dataset([edge("a", R, "b")], [top("a"), top("b")])
    [finding] = found(data, "reports-without-accountability")
    assert finding.parties == ("a", "b")


def test_findings_come_errors_first() -> None:
    data = dataset([edge("a", A, "b"), edge("b", A, "a"), edge("c", R, "d")], [top("d")])
    severities = [f.severity for f in audit(data)]
    order = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert severities == sorted(severities, key=order.index)


def test_the_wipo_dataset_has_no_errors_and_explains_its_information() -> None:
    findings = audit(load_dataset())
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    checks = {f.check for f in findings}
    assert {"declared-apex", "dual-lines", "single-point-of-accountability"} <= checks
    [gap] = [f for f in findings if f.check == "reports-without-accountability"]
    assert gap.parties == ("csa-switzerland", "designated-official-switzerland")
    assert gap.sections == ("I(c)",)
    [hub] = [f for f in findings if f.check == "single-point-of-accountability"]
    assert hub.parties[0] == "wipo-director-general"
    assert all(f.message for f in findings)
