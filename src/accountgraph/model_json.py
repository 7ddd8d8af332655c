"""Model objects as plain JSON-ready dicts: the one shape the CLI's ``--json`` and exports use.

Parties are embedded where a reader needs their names (path nodes); edges name their ends
by id. Texts keep every language they have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accountgraph.model import Citation, Edge, Fact, Party, Path, Responsibility, Text, Validity

JSONDict = dict[str, Any]


def text_json(text: Text | None) -> dict[str, str] | None:
    return None if text is None else text.as_dict()


def validity_json(validity: Validity) -> JSONDict:
    return {
        "valid_from": validity.valid_from.isoformat() if validity.valid_from else None,
        "valid_to": validity.valid_to.isoformat() if validity.valid_to else None,
    }


def citation_json(citation: Citation) -> JSONDict:
    return {
        "document": citation.document,
        "section": citation.section,
        "text": text_json(citation.text),
    }


def fact_json(fact: Fact) -> JSONDict:
    return {
        "name": fact.name,
        "value": fact.value,
        "source": citation_json(fact.citation),
        "note": text_json(fact.note),
    }


def party_json(party: Party) -> JSONDict:
    return {
        "id": party.id,
        "kind": party.kind.value,
        "name": text_json(party.name),
        "aliases": list(party.aliases),
        "description": text_json(party.description),
        "apex": party.apex,
        "apex_reason": text_json(party.apex_reason),
        "name_in_source": party.name_in_source,
        "name_note": text_json(party.name_note),
        "facts": [fact_json(f) for f in party.facts],
        **validity_json(party.validity),
    }


def edge_json(edge: Edge) -> JSONDict:
    return {
        "from": edge.source,
        "relation": edge.relation.value,
        "to": edge.target,
        "scope": edge.scope,
        "note": text_json(edge.note),
        "sources": [citation_json(c) for c in edge.citations],
        **validity_json(edge.validity),
    }


def responsibility_json(duty: Responsibility) -> JSONDict:
    return {
        "code": duty.code,
        "holder": duty.holder,
        "document": duty.document,
        "text": text_json(duty.text),
        "note": text_json(duty.note),
        **validity_json(duty.validity),
    }


def path_json(path: Path, parties: Mapping[str, Party]) -> JSONDict:
    """A path with its nodes spelled out (id, kind, names) from ``parties``."""
    return {
        "length": path.length,
        "nodes": [
            {
                "id": node,
                "kind": parties[node].kind.value,
                "name": text_json(parties[node].name),
            }
            for node in path.nodes
        ],
        "edges": [edge_json(e) for e in path.edges],
    }
