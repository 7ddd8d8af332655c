"""Integrity checks of an accountability graph: the gaps an auditor wants found.

Each check is named, has a severity, and reports the parties and sections involved. They
run on a :class:`~accountgraph.model.Dataset` (any store can give one). Every rule of the
rule book (:mod:`accountgraph.rules`) is a check of its own, an error, under the rule's
code: the audit reports what loading refuses, in the words of the rule book. The other
checks look through networkx for what the rules allow but an auditor wants to see.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

from accountgraph.model import Dataset, Edge, PartyKind, Relation
from accountgraph.rules import RULES, RuleViolation, check_rules
from accountgraph.rules.violation import EdgeKey, edge_key


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an audit found."""

    check: str
    severity: Severity
    message: str
    parties: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Check:
    """A named check: what it looks for, and why it matters."""

    name: str
    severity: Severity
    why: str
    run: Callable[[_Graph], Iterator[Finding]]


SINGLE_POINT_MINIMUM = 3
"""A party is a single point of accountability when at least this many chains need it."""


class _Graph:
    """The dataset with its accountability graph, built once for every check; ``day``,
    if given, is the one day the dataset stands for."""

    def __init__(self, dataset: Dataset, day: dt.date | None = None) -> None:
        self.dataset = dataset
        self.day = day
        self.names = {p.id: str(p.name.get("en")) for p in dataset.parties}
        self.accountability: nx.DiGraph = nx.DiGraph()
        self.accountability.add_nodes_from(self.names)
        self.by_relation: dict[Relation, list[Edge]] = {r: [] for r in Relation}
        for edge in dataset.edges:
            self.by_relation[edge.relation].append(edge)
            if edge.relation is Relation.ACCOUNTABLE_TO:
                self.accountability.add_edge(edge.source, edge.target, edge=edge)

    def name(self, party_id: str) -> str:
        return f"{self.names.get(party_id, party_id)} ({party_id})"

    def sections_between(self, pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for source, target in pairs:
            edge: Edge = self.accountability.edges[source, target]["edge"]
            found.update(dict.fromkeys(c.section for c in edge.citations))
        return tuple(found)

    def incoming(self, relation: Relation) -> dict[str, list[Edge]]:
        table: dict[str, list[Edge]] = {}
        for edge in self.by_relation[relation]:
            table.setdefault(edge.target, []).append(edge)
        return table

    @functools.cached_property
    def violations(self) -> dict[str, list[RuleViolation]]:
        """What the rule book finds, by rule; on :attr:`day` only, if it is given."""
        found: dict[str, list[RuleViolation]] = {}
        for violation in check_rules(self.dataset):
            if self.day is None or _breaks_on(violation, self.day):
                found.setdefault(violation.rule, []).append(violation)
        return found

    def sections_of(self, keys: Iterable[EdgeKey]) -> tuple[str, ...]:
        """The sections the edges of ``keys`` cite, each once."""
        wanted = set(keys)
        found: dict[str, None] = {}
        for edge in self.dataset.edges:
            if edge_key(edge) in wanted:
                found.update(dict.fromkeys(c.section for c in edge.citations))
        return tuple(found)


def _breaks_on(violation: RuleViolation, day: dt.date) -> bool:
    """Whether ``violation`` holds on ``day``; one of a rule that does not depend on the
    day always does."""
    if not violation.days:
        return True
    return any(
        (start is None or start <= day) and (end is None or day <= end)
        for start, end in violation.days
    )


def _rule_check(code: str) -> Check:
    """The audit's check of the rule ``code`` of the rule book."""

    def run(graph: _Graph) -> Iterator[Finding]:
        for violation in graph.violations.get(code, ()):
            yield Finding(
                code,
                Severity.ERROR,
                violation.message,
                violation.parties,
                graph.sections_of(violation.edges),
            )

    return Check(code, Severity.ERROR, f"the rule book: {RULES[code]}", run)


def _orphans(graph: _Graph) -> Iterator[Finding]:
    accountable = graph.accountability
    apex = {p.id for p in graph.dataset.parties if p.apex}
    covered_roles = {p for p in graph.names if p in apex or accountable.out_degree(p) > 0}
    holds_covered_role = {
        e.source for e in graph.by_relation[Relation.SERVES_AS] if e.target in covered_roles
    }
    for party in graph.dataset.parties:
        principals = sorted(accountable.successors(party.id))
        if party.apex and principals:
            yield Finding(
                "apex-with-principal",
                Severity.ERROR,
                f"{graph.name(party.id)} is declared apex (answering to no one here) but is "
                f"accountable to {', '.join(graph.name(p) for p in principals)}",
                (party.id, *principals),
                graph.sections_between((party.id, p) for p in principals),
            )
        elif not party.apex and not principals and party.id not in holds_covered_role:
            yield Finding(
                "no-accountability-chain",
                Severity.ERROR,
                f"{graph.name(party.id)} is accountable to no one, holds no role that is, "
                "and the dataset does not declare it apex",
                (party.id,),
            )


def _reporting_only(graph: _Graph) -> Iterator[Finding]:
    for edge in graph.by_relation[Relation.REPORTS_TO]:
        if graph.accountability.out_degree(edge.source) == 0:
            yield Finding(
                "reports-without-accountability",
                Severity.WARNING,
                f"{graph.name(edge.source)} reports to {graph.name(edge.target)} but is "
                "accountable to no one",
                (edge.source, edge.target),
                tuple(c.section for c in edge.citations),
            )


def _apex(graph: _Graph) -> Iterator[Finding]:
    for party in graph.dataset.parties:
        if party.apex:
            reason = party.apex_reason.get("en") if party.apex_reason else None
            because = f": {reason}" if reason else ""
            yield Finding(
                "declared-apex",
                Severity.INFO,
                f"{graph.name(party.id)} answers to no one modelled here, as the dataset "
                f"declares{because}",
                (party.id,),
            )


def _assumptions(graph: _Graph) -> Iterator[Finding]:
    document = graph.dataset.document
    if document.in_force is not None and document.in_force_basis is not None:
        yield Finding(
            "declared-assumption",
            Severity.INFO,
            f"the framework is taken to be in force from {document.in_force}: "
            f"{document.in_force_basis.get('en')}",
        )
    for party in graph.dataset.parties:
        if party.name_in_source and party.name_note is None:
            continue
        coined = "" if party.name_in_source else "its names are not the document's words"
        note = party.name_note.get("en") if party.name_note else None
        yield Finding(
            "declared-assumption",
            Severity.INFO,
            f"{graph.name(party.id)}: " + ". ".join(t for t in (coined, note) if t),
            (party.id,),
        )


def _duties_without_holder(graph: _Graph) -> Iterator[Finding]:
    for duty in graph.dataset.responsibilities:
        if graph.day is not None and not duty.validity.holds_on(graph.day):
            continue
        if duty.holder not in graph.names:
            yield Finding(
                "duty-without-holder",
                Severity.ERROR,
                f"duty {duty.code} belongs to {duty.holder!r}, which is not a party of the graph",
                (duty.holder,),
                (duty.code,),
            )


def _roles_without_holder(graph: _Graph) -> Iterator[Finding]:
    held = graph.incoming(Relation.SERVES_AS)
    for party in graph.dataset.parties:
        if party.kind is PartyKind.ROLE and party.id not in held:
            yield Finding(
                "role-without-holder",
                Severity.WARNING,
                f"no office serves as {graph.name(party.id)}",
                (party.id,),
            )


def _bodies_without_members(graph: _Graph) -> Iterator[Finding]:
    members = graph.incoming(Relation.MEMBER_OF)
    for party in graph.dataset.parties:
        if party.kind is PartyKind.BODY and party.id not in members:
            yield Finding(
                "body-without-members",
                Severity.WARNING,
                f"no party is a member of {graph.name(party.id)}",
                (party.id,),
            )


def _citations(graph: _Graph) -> Iterator[Finding]:
    known = set(graph.dataset.document.sections)
    symbol = graph.dataset.document.symbol
    for edge in graph.dataset.edges:
        label = f"{edge.source} {edge.relation.value} {edge.target}"
        if not edge.citations:
            yield Finding(
                "uncited-edge",
                Severity.ERROR,
                f"{label} cites no clause",
                (edge.source, edge.target),
            )
        for citation in edge.citations:
            if citation.document == symbol and citation.section not in known:
                yield Finding(
                    "unknown-section",
                    Severity.ERROR,
                    f"{label} cites section {citation.section!r}, which {symbol} does not have",
                    (edge.source, edge.target),
                    (citation.section,),
                )


def _single_points(graph: _Graph) -> Iterator[Finding]:
    reverse = graph.accountability.reverse(copy=False)
    root = object()
    rooted = nx.DiGraph(reverse)
    tops = [n for n in graph.accountability if graph.accountability.out_degree(n) == 0]
    rooted.add_node(root)
    rooted.add_edges_from((root, top) for top in tops)
    dominator = nx.immediate_dominators(rooted, root)
    needed: dict[str, set[str]] = {}
    for party in dominator:
        if party is root:
            continue
        step = dominator[party]
        while step is not root and step in dominator:
            needed.setdefault(step, set()).add(party)
            if dominator[step] is step:
                break
            step = dominator[step]
    tops_set = set(tops)
    for party, below in sorted(needed.items(), key=lambda item: (-len(item[1]), item[0])):
        if party in tops_set or len(below) < SINGLE_POINT_MINIMUM:
            continue
        yield Finding(
            "single-point-of-accountability",
            Severity.INFO,
            f"every accountability chain of {len(below)} parties passes through "
            f"{graph.name(party)}: " + ", ".join(sorted(below)),
            (party, *sorted(below)),
        )


def _dual_lines(graph: _Graph) -> Iterator[Finding]:
    lines: dict[str, dict[str, Edge]] = {}
    for relation in (Relation.ACCOUNTABLE_TO, Relation.REPORTS_TO):
        for edge in graph.by_relation[relation]:
            lines.setdefault(edge.source, {}).setdefault(edge.target, edge)
    for party, principals in sorted(lines.items()):
        if len(principals) < 2:
            continue
        sections = dict.fromkeys(c.section for e in principals.values() for c in e.citations)
        named = ", ".join(graph.name(p) for p in sorted(principals))
        yield Finding(
            "dual-lines",
            Severity.INFO,
            f"{graph.name(party)} answers or reports to several principals: {named}",
            (party, *sorted(principals)),
            tuple(sections),
        )


CHECKS: tuple[Check, ...] = (
    *(_rule_check(code) for code in RULES),
    Check(
        "no-accountability-chain",
        Severity.ERROR,
        "a party that answers to no one and is not declared apex is a gap in the framework",
        _orphans,
    ),
    Check(
        "reports-without-accountability",
        Severity.WARNING,
        "a reporting line with no "
        "accountability behind it: the party informs but answers to no one",
        _reporting_only,
    ),
    Check(
        "duty-without-holder",
        Severity.ERROR,
        "a duty nobody holds is a duty nobody performs",
        _duties_without_holder,
    ),
    Check(
        "role-without-holder",
        Severity.WARNING,
        "a role no office holds may be vacant or its holder unnamed",
        _roles_without_holder,
    ),
    Check(
        "body-without-members",
        Severity.WARNING,
        "a body with no members modelled cannot be traced to the parties that sit on it",
        _bodies_without_members,
    ),
    Check(
        "unknown-section",
        Severity.ERROR,
        "every edge must rest on a clause the document has",
        _citations,
    ),
    Check(
        "single-point-of-accountability",
        Severity.INFO,
        "parties every chain of a group "
        "passes through: if the office is vacant, the whole group answers to no one",
        _single_points,
    ),
    Check(
        "dual-lines",
        Severity.INFO,
        "parties with several principals: lines that can conflict, by design or not",
        _dual_lines,
    ),
    Check(
        "declared-assumption",
        Severity.INFO,
        "what the dataset states that the document does not: dates it assumes, names it "
        "coined or inferred",
        _assumptions,
    ),
    Check(
        "declared-apex",
        Severity.INFO,
        "parties the dataset declares to answer to no one modelled here: the tops of the chains",
        _apex,
    ),
)


def audit(dataset: Dataset, day: dt.date | None = None) -> list[Finding]:
    """Every finding of every check, errors first, then warnings, then information.

    ``day``: the dataset is the graph as it stood on that day (:meth:`Dataset.as_of`),
    and only what is wrong on that day is found: the rules broken then, the duties laid
    then on a holder the graph does not have. Without it, a rule broken on any day is.
    """
    graph = _Graph(dataset, day)
    findings = [finding for check in CHECKS for finding in check.run(graph)]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.check, f.parties))
