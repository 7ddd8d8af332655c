"""Fidelity of the shipped WIPO dataset to document A/46/11."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from accountgraph._resources import data_dir
from accountgraph.dataset import load_dataset
from accountgraph.model import Dataset, Edge, PartyKind, Relation, Validity

CANONICAL_IDS = [
    "un-general-assembly",
    "un-secretary-general",
    "usg-safety-security",
    "un-dss",
    "ceb",
    "iasmn",
    "designated-official-switzerland",
    "unog-director-general",
    "csa-switzerland",
    "unog-security-chief",
    "smg-switzerland",
    "sag-switzerland",
    "country-security-team-switzerland",
    "switzerland-host-government",
    "wipo-member-states",
    "wipo-director-general",
    "wipo-security-coordinator",
    "wipo-head-sscs",
    "wipo-sscs",
    "wipo-personnel",
    "wipo-dependants",
]


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    path: Path = data_dir("graph") / "sources" / "A-46-11.zh.txt"
    return _squeeze(path.read_text(encoding="utf-8"))


def test_every_canonical_id_is_present(wipo: Dataset) -> None:
    missing = [i for i in CANONICAL_IDS if wipo.party(i) is None]
    assert missing == []


def test_parties_mentioned_in_passing_are_present(wipo: Dataset) -> None:
    for party_id in ("un-general-assembly", "wipo-assemblies", "wipo-guard-contractor"):
        assert wipo.party(party_id) is not None, party_id


def test_every_name_and_text_is_in_chinese_and_english(wipo: Dataset) -> None:
    texts = [p.name for p in wipo.parties]
    texts += [c.text for e in wipo.edges for c in e.citations if c.text]
    texts += [r.text for r in wipo.responsibilities]
    assert all({"en", "zh"} <= set(t.values) for t in texts)


def test_every_chinese_clause_is_the_seeds_own_words(wipo: Dataset, seed_text: str) -> None:
    quoted = [c for e in wipo.edges for c in e.citations]
    quoted += [f.citation for p in wipo.parties for f in p.facts]
    quoted += [r.citation for r in wipo.responsibilities]
    not_in_seed = [
        (c.section, c.text.values["zh"])
        for c in quoted
        if c.text and _squeeze(c.text.values["zh"]) not in seed_text
    ]
    assert not_in_seed == []


def test_every_chinese_name_of_a_canonical_party_is_in_the_seed(
    wipo: Dataset, seed_text: str
) -> None:
    names = {i: wipo.party(i).name.values["zh"] for i in CANONICAL_IDS}  # type: ignore[union-attr]
    assert {i: n for i, n in names.items() if _squeeze(n) not in seed_text} == {}


def test_lettered_duties_per_holder_match_the_document(wipo: Dataset) -> None:
    counts = Counter(r.holder for r in wipo.responsibilities)
    assert counts == {
        "wipo-director-general": 10,  # III.A.3(a)-(j)
        "wipo-security-coordinator": 8,  # III.B.2(a)-(h)
        "wipo-head-sscs": 6,  # III.C(a)-(f)
        "wipo-personnel": 8,  # III.D(a)-(h)
    }
    codes = [r.code for r in wipo.responsibilities]
    assert codes[:3] == ["III.A.3(a)", "III.A.3(b)", "III.A.3(c)"]
    assert codes[-1] == "III.D(h)"


def test_every_edge_is_cited_with_a_section_of_the_document(wipo: Dataset) -> None:
    sections = set(wipo.document.sections)
    for edge in wipo.edges:
        assert edge.citations, edge.key
        for citation in edge.citations:
            assert citation.document == "A/46/11"
            assert citation.section in sections
            assert citation.text is not None


def test_every_relation_of_the_design_is_used(wipo: Dataset) -> None:
    assert {e.relation for e in wipo.edges} == set(Relation)
    assert {p.kind for p in wipo.parties} == set(PartyKind)


def _edge_sections(wipo: Dataset, source: str, relation: Relation, target: str) -> list[str]:
    found = [e for e in wipo.edges if e.key[:3] == (source, relation, target)]
    assert found, f"{source} {relation} {target} is not in the dataset"
    return [c.section for c in found[0].citations]


@pytest.mark.parametrize(
    ("source", "relation", "target", "section"),
    [
        ("usg-safety-security", Relation.ACCOUNTABLE_TO, "un-secretary-general", "I(a)"),
        ("usg-safety-security", Relation.REPORTS_TO, "un-secretary-general", "preamble 2"),
        # "accountable to the SG through the USG" (I(b)): two steps.
        ("designated-official-switzerland", Relation.ACCOUNTABLE_TO, "usg-safety-security", "I(b)"),
        ("unog-director-general", Relation.SERVES_AS, "designated-official-switzerland", "I(b)"),
        ("usg-safety-security", Relation.APPOINTS, "csa-switzerland", "I(c)"),
        ("csa-switzerland", Relation.REPORTS_TO, "designated-official-switzerland", "I(c)"),
        ("csa-switzerland", Relation.TECHNICAL_LINK, "un-dss", "I(c)"),
        ("unog-security-chief", Relation.SERVES_AS, "csa-switzerland", "I(c)"),
        ("designated-official-switzerland", Relation.CHAIRS, "smg-switzerland", "I(d)"),
        ("sag-switzerland", Relation.RECOMMENDS_TO, "smg-switzerland", "I(e)"),
        ("wipo-director-general", Relation.ACCOUNTABLE_TO, "wipo-member-states", "III.A.1"),
        ("wipo-director-general", Relation.DESIGNATES, "wipo-security-coordinator", "III.A.3(f)"),
        ("wipo-director-general", Relation.MEMBER_OF, "smg-switzerland", "III.A.3(h)"),
        ("wipo-director-general", Relation.LIAISES_WITH, "usg-safety-security", "III.A.3(i)"),
        ("wipo-security-coordinator", Relation.MEMBER_OF, "iasmn", "III.B.2(b)"),
        ("wipo-security-coordinator", Relation.MEMBER_OF, "sag-switzerland", "III.B.2(h)"),
        ("wipo-head-sscs", Relation.REPORTS_TO, "wipo-security-coordinator", "III.C"),
        ("wipo-head-sscs", Relation.MANAGES, "wipo-sscs", "III.C(b)"),
        ("csa-switzerland", Relation.ESTABLISHES, "country-security-team-switzerland", "III.C(e)"),
        ("wipo-head-sscs", Relation.ADVISES, "country-security-team-switzerland", "III.C(f)"),
        ("wipo-personnel", Relation.ACCOUNTABLE_TO, "wipo-director-general", "III.D"),
    ],
)
def test_statements_of_the_document_are_edges(
    wipo: Dataset, source: str, relation: Relation, target: str, section: str
) -> None:
    assert section in _edge_sections(wipo, source, relation, target)


def test_the_secretary_generals_coordination_is_not_accountability(wipo: Dataset) -> None:
    dg_principals = {
        e.target
        for e in wipo.edges
        if e.source == "wipo-director-general" and e.relation is Relation.ACCOUNTABLE_TO
    }
    assert dg_principals == {"wipo-member-states"}
    assert "III.A.2" in _edge_sections(
        wipo, "un-secretary-general", Relation.COORDINATES, "wipo-director-general"
    )


def test_every_delegate_is_accountable_back_to_its_delegator(wipo: Dataset) -> None:
    accountable = {
        (e.source, e.target) for e in wipo.edges if e.relation is Relation.ACCOUNTABLE_TO
    }
    for edge in wipo.edges:
        if edge.relation is Relation.DELEGATES_TO:
            assert edge.scope == "security"
            assert (edge.target, edge.source) in accountable, edge.key


def test_facts_that_are_properties(wipo: Dataset) -> None:
    def fact(party_id: str, name: str) -> object:
        party = wipo.party(party_id)
        assert party is not None
        found = party.fact(name)
        assert found is not None, (party_id, name)
        return found.value

    assert fact("wipo-security-coordinator", "rank") == "Assistant Director General or higher"
    assert fact("smg-switzerland", "meets") == "at least once a year"
    assert fact("smg-switzerland", "convened_in_crisis") is True
    assert fact("sag-switzerland", "meets") == "every quarter"
    assert fact("sag-switzerland", "chair") == "rotates among its members"


def test_apex_parties_answer_to_no_one(wipo: Dataset) -> None:
    principals = {e.source for e in wipo.edges if e.relation is Relation.ACCOUNTABLE_TO}
    apex = {p.id for p in wipo.parties if p.apex}
    assert {"wipo-member-states", "un-secretary-general"} <= apex
    assert apex.isdisjoint(principals)


def test_the_in_force_day_is_a_declared_assumption(wipo: Dataset) -> None:
    approved = dt.date(2008, 12, 12)
    assert wipo.document.in_force == approved
    assert wipo.document.date is None, "the seed gives no date of its own"
    basis = wipo.document.in_force_basis
    assert basis is not None
    assert "assumption" in str(basis.get("en"))
    assert "A/46/12" in str(basis.get("en"))
    assert {p.validity for p in wipo.parties} == {Validity(approved)}
    assert {e.validity for e in wipo.edges} == {Validity(approved)}
    before = wipo.as_of(approved - dt.timedelta(days=1))
    assert (before.parties, before.edges) == ((), ())
    assert wipo.as_of(approved) == wipo


def test_every_chinese_name_the_dataset_calls_the_seeds_is_the_seeds(
    wipo: Dataset, seed_text: str
) -> None:
    """A name is the seed's words or is marked as coined, with a note saying where it
    comes from: the flag is checked both ways."""
    claimed = {p.id: p.name.values["zh"] for p in wipo.parties if p.name_in_source}
    coined = {p.id: p.name.values["zh"] for p in wipo.parties if not p.name_in_source}
    assert {i: n for i, n in claimed.items() if _squeeze(n) not in seed_text} == {}
    assert {i: n for i, n in coined.items() if _squeeze(n) in seed_text} == {}
    assert set(coined) == {"un-system-dependants", "wipo-guard-contractor"}
    for party in wipo.parties:
        if not party.name_in_source:
            assert party.name_note is not None, party.id
            assert {"en", "zh"} <= set(party.name_note.values), party.id


def test_the_host_government_is_switzerland_only_by_inference(wipo: Dataset) -> None:
    host = wipo.party("switzerland-host-government")
    assert host is not None
    assert host.name.values["zh"] == "东道国"
    assert "瑞士" not in host.aliases, "瑞士 names the country of I(b)-(e), not its government"
    assert host.name_note is not None
    assert "inference" in str(host.name_note.get("en"))


def _edges_named(wipo: Dataset, source: str, relation: Relation, target: str) -> list[Edge]:
    return [e for e in wipo.edges if e.key[:3] == (source, relation, target)]


@pytest.mark.parametrize(
    ("group", "wider"),
    [("wipo-personnel", "un-system-personnel"), ("wipo-dependants", "un-system-dependants")],
)
def test_wipos_people_are_among_the_un_systems(wipo: Dataset, group: str, wider: str) -> None:
    (edge,) = _edges_named(wipo, group, Relation.PART_OF, wider)
    assert {"preamble 3", "I(b)", "II"} <= {c.section for c in edge.citations}
    assert edge.note is not None


def test_the_guard_contractor_rests_on_iii_c_b_alone(wipo: Dataset) -> None:
    contractor_edges = [e for e in wipo.edges if "wipo-guard-contractor" in (e.source, e.target)]
    assert {(e.source, e.relation, e.target) for e in contractor_edges} == {
        ("wipo-head-sscs", Relation.DELEGATES_TO, "wipo-guard-contractor"),
        ("wipo-head-sscs", Relation.MANAGES, "wipo-guard-contractor"),
        ("wipo-guard-contractor", Relation.ACCOUNTABLE_TO, "wipo-head-sscs"),
    }
    for edge in contractor_edges:
        assert [c.section for c in edge.citations] == ["III.C(b)"], edge.key
        assert edge.note is not None, edge.key


@pytest.mark.parametrize(
    ("source", "relation", "target", "section"),
    [
        ("wipo-personnel", Relation.ACCOUNTABLE_TO, "wipo-director-general", "III.A.3(b)"),
        ("wipo-security-coordinator", Relation.SUPPORTS, "wipo-personnel", "III.B.2(d)"),
        ("wipo-security-coordinator", Relation.SUPPORTS, "wipo-dependants", "III.B.2(d)"),
        ("ceb", Relation.COORDINATES, "wipo-director-general", "preamble 3"),
        ("wipo-director-general", Relation.MEMBER_OF, "ceb", "preamble 3"),
        ("wipo-director-general", Relation.MEMBER_OF, "ceb", "I(f)"),
    ],
)
def test_clauses_found_on_the_second_reading_are_edges(
    wipo: Dataset, source: str, relation: Relation, target: str, section: str
) -> None:
    assert section in _edge_sections(wipo, source, relation, target)


def test_the_ceb_coordinates_the_executive_heads_not_the_system(wipo: Dataset) -> None:
    assert _edges_named(wipo, "ceb", Relation.COORDINATES, "unsms") == []


def test_renderings_keep_to_the_seeds_words(wipo: Dataset) -> None:
    texts = [c.text for e in wipo.edges for c in e.citations if c.text]
    texts += [r.text for r in wipo.responsibilities]
    texts += [f.citation.text for p in wipo.parties for f in p.facts if f.citation.text]
    english = " ".join(str(t.get("en")) for t in texts)
    assert "undue risk" not in english, "特殊风险 is special risk"
    assert "after a major security incident" not in english, "the seed says 'when … occurs'"


def test_the_report_symbol_cited_as_a_resolution_is_noted(wipo: Dataset) -> None:
    assembly = wipo.party("un-general-assembly")
    assert assembly is not None
    fact = assembly.fact("adopted_resolution")
    assert fact is not None
    assert fact.value == "A/57/365"
    assert fact.note is not None
    assert "report" in str(fact.note.get("en"))
