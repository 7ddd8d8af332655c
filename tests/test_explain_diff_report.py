"""Paths told as sentences, dataset diffs, and audit reports in every format."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from accountgraph.analysis import audit
from accountgraph.audit_report import FORMATS, render
from accountgraph.dataset import load_dataset
from accountgraph.diff import diff_datasets, diff_json, diff_text
from accountgraph.explain import explain_path, relation_phrase
from accountgraph.model import Dataset, Relation, Text
from accountgraph.store.memory import MemoryStore

WIPO = load_dataset()
PARTIES = {p.id: p for p in WIPO.parties}


def test_a_chain_told_in_english_and_chinese() -> None:
    [chain] = asyncio.run(MemoryStore(WIPO).accountability_chains("wipo-head-sscs"))
    assert explain_path(chain, PARTIES) == [
        "Head, Safety and Security Coordination Service is accountable to Director General "
        "of WIPO (A/46/11 III.A.1).",
        "Director General of WIPO is accountable to Member States of WIPO "
        "(A/46/11 III.A.1, III.A.2).",
    ]
    assert explain_path(chain, PARTIES, "zh") == [
        "安全与保安处长接受WIPO 总干事的问责（A/46/11 III.A.1）。",
        "WIPO 总干事接受成员国的问责（A/46/11 III.A.1, III.A.2）。",
    ]


def test_a_reporting_step_and_a_scoped_delegation() -> None:
    store = MemoryStore(WIPO)
    [step] = asyncio.run(
        store.paths(
            "wipo-head-sscs", "wipo-director-general", relations=[Relation.REPORTS_TO], max_paths=1
        )
    )
    assert explain_path(step, PARTIES) == [
        "Head, Safety and Security Coordination Service reports to Director General of WIPO "
        "(A/46/11 III.C)."
    ]
    first = asyncio.run(store.delegation_ends("wipo-director-general"))[0]
    assert explain_path(first, PARTIES)[0].startswith(
        "Director General of WIPO delegates authority to Security Coordinator (WIPO) "
        "(scope: security)"
    )


def test_every_relation_has_a_phrase_in_both_languages() -> None:
    for relation in Relation:
        assert relation_phrase(relation, "en")
        assert relation_phrase(relation, "zh")


def _changed() -> Dataset:
    parties = tuple(
        replace(p, name=Text({"en": "Chief Security Officer", "zh": p.name.values["zh"]}))
        if p.id == "csa-switzerland"
        else p
        for p in WIPO.parties
        if p.id != "wipo-guard-contractor"
    )
    edges = tuple(e for e in WIPO.edges if "wipo-guard-contractor" not in (e.source, e.target))
    edges += (replace(WIPO.edges[0], relation=Relation.ADVISES),)
    return replace(WIPO, parties=parties, edges=edges, responsibilities=WIPO.responsibilities[1:])


def test_diff_lists_added_removed_and_changed() -> None:
    diff = diff_datasets(WIPO, _changed())
    lines = diff_text(diff)
    assert "parties:" in lines
    assert "  - wipo-guard-contractor" in lines
    assert "  ~ csa-switzerland  (name)" in lines
    assert "  + usg-safety-security -ADVISES-> un-secretary-general" in lines
    assert any(line.startswith("  - wipo-head-sscs -DELEGATES_TO [security]->") for line in lines)
    assert "  - wipo-director-general III.A.3(a)" in lines
    as_json = diff_json(diff)
    assert [p["id"] for p in as_json["parties"]["removed"]] == ["wipo-guard-contractor"]
    [renamed] = as_json["parties"]["changed"]
    assert renamed["fields"] == ["name"]
    assert renamed["new"]["name"]["en"] == "Chief Security Officer"


def test_diff_of_a_dataset_with_itself_is_empty() -> None:
    diff = diff_datasets(WIPO, load_dataset())
    assert diff.empty
    assert diff_text(diff) == ["no differences"]


def test_audit_report_formats() -> None:
    findings = audit(WIPO)
    outputs = {fmt: render(findings, "wipo-a46-11", fmt) for fmt in FORMATS}
    assert outputs["text"].startswith("Audit of wipo-a46-11: 0 errors, ")
    report = json.loads(outputs["json"])
    assert report["summary"]["error"] == 0
    assert {c["name"] for c in report["checks"]} >= {"accountability-cycle", "dual-lines"}
    assert outputs["md"].startswith("# Audit of wipo-a46-11")
    assert "| warning | `reports-without-accountability` |" in outputs["md"]
    page = outputs["html"]
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert "http" not in page.replace("http-equiv", "")
