"""Model objects as the properties a graph database keeps, and back.

Neither Neo4j nor FalkorDB keeps a map as a property value, so every multilingual text,
citation list and fact list is a JSON string (``name_json``, ``citations_json``, …) beside
flat properties the queries filter on: ``kind``, ``name_en``/``name_zh``, ``search`` (id,
aliases and names case-folded, for substring search), ``id_folded`` and ``name_keys`` (for
"did you mean"), ``ordinal`` (the dataset's order) and, on edges, ``relation`` (the type
again, so one query can follow any single relation) and ``scope_key`` (the scope, ``""``
when none: MERGE cannot key on a null). Dates (``valid_from``, ``valid_to``) are ISO
strings ``YYYY-MM-DD``, absent when open: FalkorDB's Bolt endpoint and some clients fail
on date values, and ISO strings compare as the days they name in both servers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from accountgraph.model import (
    LANGUAGES,
    Citation,
    Dataset,
    Document,
    Edge,
    Fact,
    Party,
    PartyKind,
    Path,
    Relation,
    Responsibility,
    Text,
    Validity,
)
from accountgraph.store._paths import scope_order
from accountgraph.suggest import name_key

SEARCH_SEPARATOR = "\x1f"
"""Between the fields of ``search``, so a needle never matches across two of them."""

Props = dict[str, Any]


_JSON = msgspec.json.Encoder(order="sorted")
"""JSON with sorted keys, compact, not ASCII-escaped, written in C: what ``json.dumps``
writes with those options (but a float's exponent) some ten times faster, which a load of
10^5 parties, each with several texts, feels."""


def _dumps(value: Any) -> str:
    try:
        return _JSON.encode(value).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which msgspec refuses
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def text_json(text: Text | None) -> str | None:
    return None if text is None else _dumps(text.as_dict())


def text_from_json(raw: str | None) -> Text | None:
    return None if raw is None else Text(json.loads(raw))


def _text_value(text: Text | None) -> dict[str, str] | None:
    return None if text is None else text.as_dict()


def _text_of(value: Mapping[str, str] | None) -> Text | None:
    return None if value is None else Text(value)


def _citation_value(citation: Citation) -> dict[str, Any]:
    return {
        "document": citation.document,
        "section": citation.section,
        "text": _text_value(citation.text),
    }


def _citation_of(value: Mapping[str, Any]) -> Citation:
    return Citation(value["document"], value["section"], _text_of(value["text"]))


def _fact_value(fact: Fact) -> dict[str, Any]:
    return {
        "name": fact.name,
        "value": fact.value,
        "citation": _citation_value(fact.citation),
        "note": _text_value(fact.note),
    }


def _fact_of(value: Mapping[str, Any]) -> Fact:
    citation = _citation_of(value["citation"])
    return Fact(value["name"], value["value"], citation, _text_of(value["note"]))


def _date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _validity_of(row: Mapping[str, Any]) -> Validity:
    start, end = row.get("valid_from"), row.get("valid_to")
    return Validity(
        dt.date.fromisoformat(start) if start else None,
        dt.date.fromisoformat(end) if end else None,
    )


def search_text(party: Party) -> str:
    """What ``search`` looks in: the id, aliases and names, case-folded (as the embedded
    store's haystack)."""
    return SEARCH_SEPARATOR.join((party.id, *party.aliases, *party.name.values.values())).casefold()


# --- import rows ---------------------------------------------------------------------


def party_row(party: Party, ordinal: int) -> Props:
    names = party.name.values
    props: Props = {
        "kind": party.kind.value,
        "ordinal": ordinal,
        "name_json": text_json(party.name),
        "aliases_json": _dumps(list(party.aliases)),
        "description_json": text_json(party.description),
        "facts_json": _dumps([_fact_value(f) for f in party.facts]),
        "apex": party.apex,
        "apex_reason_json": text_json(party.apex_reason),
        "name_in_source": party.name_in_source,
        "name_note_json": text_json(party.name_note),
        "valid_from": _date(party.validity.valid_from),
        "valid_to": _date(party.validity.valid_to),
        "search": search_text(party),
        "id_folded": party.id.casefold(),
        "name_keys": sorted({name_key(party.id), *(name_key(a) for a in party.aliases)}),
    }
    for lang in LANGUAGES:
        props[f"name_{lang}"] = names.get(lang)
    return {"id": party.id, "label": party.kind.label, "props": props}


def edge_row(edge: Edge, ordinal: int) -> Props:
    """An edge keyed by its ends, relation and scope; ``ordinal`` is its place in the
    dataset."""
    return {
        "source": edge.source,
        "target": edge.target,
        "relation": edge.relation.value,
        "scope_key": edge.scope or "",
        "props": {
            "relation": edge.relation.value,
            "scope": edge.scope,
            "citations_json": _dumps([_citation_value(c) for c in edge.citations]),
            "note_json": text_json(edge.note),
            "valid_from": _date(edge.validity.valid_from),
            "valid_to": _date(edge.validity.valid_to),
            "ordinal": ordinal,
        },
    }


def responsibility_row(duty: Responsibility, ordinal: int, nth: int = 0) -> Props:
    """A duty keyed by holder, code and ``nth`` (which of the holder's duties with that
    code it is: 0 in a valid dataset); ``ordinal`` is its place in the document."""
    return {
        "holder": duty.holder,
        "code": duty.code,
        "nth": nth,
        "props": {
            "ordinal": ordinal,
            "document": duty.document,
            "text_json": text_json(duty.text),
            "note_json": text_json(duty.note),
            "valid_from": _date(duty.validity.valid_from),
            "valid_to": _date(duty.validity.valid_to),
        },
    }


def dataset_parameters(dataset: Dataset) -> Props:
    document = dataset.document
    return {
        "name": dataset.name,
        "title_json": text_json(dataset.title),
        "document_json": _dumps(
            {
                "symbol": document.symbol,
                "title": _text_value(document.title),
                "sections": list(document.sections),
                "date": _date(document.date),
                "facts": [_fact_value(f) for f in document.facts],
                "in_force": _date(document.in_force),
                "in_force_basis": _text_value(document.in_force_basis),
            }
        ),
    }


# --- answer rows ---------------------------------------------------------------------


def party_of(row: Mapping[str, Any]) -> Party:
    return Party(
        id=row["id"],
        kind=PartyKind(row["kind"]),
        name=Text(json.loads(row["name_json"])),
        aliases=tuple(json.loads(row["aliases_json"])),
        description=text_from_json(row.get("description_json")),
        facts=tuple(_fact_of(f) for f in json.loads(row["facts_json"])),
        apex=bool(row["apex"]),
        apex_reason=text_from_json(row.get("apex_reason_json")),
        validity=_validity_of(row),
        name_in_source=row.get("name_in_source") is not False,
        name_note=text_from_json(row.get("name_note_json")),
    )


def edge_of(source: str, target: str, row: Mapping[str, Any]) -> Edge:
    return Edge(
        source=source,
        relation=Relation(row["relation"]),
        target=target,
        citations=tuple(_citation_of(c) for c in json.loads(row["citations_json"])),
        scope=row.get("scope"),
        note=text_from_json(row.get("note_json")),
        validity=_validity_of(row),
    )


def responsibility_of(row: Mapping[str, Any]) -> Responsibility:
    return Responsibility(
        code=row["code"],
        holder=row["holder"],
        text=Text(json.loads(row["text_json"])),
        document=row["document"],
        note=text_from_json(row.get("note_json")),
        validity=_validity_of(row),
    )


def dataset_of(
    name: str,
    head: Mapping[str, Any],
    parties: Sequence[Party],
    edges: Sequence[Edge],
    responsibilities: Sequence[Responsibility],
) -> Dataset:
    """A dataset from its node's ``title_json`` and ``document_json`` and what it holds."""
    return Dataset(
        name=name,
        title=Text(json.loads(head["title_json"])),
        document=document_of(head["document_json"]),
        parties=tuple(parties),
        edges=tuple(edges),
        responsibilities=tuple(responsibilities),
    )


def document_of(raw: str) -> Document:
    """The document of a dataset node's ``document_json``."""
    value = json.loads(raw)
    date, in_force = value.get("date"), value.get("in_force")
    return Document(
        symbol=value["symbol"],
        title=Text(value["title"]),
        sections=tuple(value["sections"]),
        date=dt.date.fromisoformat(date) if date else None,
        facts=tuple(_fact_of(f) for f in value["facts"]),
        in_force=dt.date.fromisoformat(in_force) if in_force else None,
        in_force_basis=_text_of(value.get("in_force_basis")),
    )


def path_of(row: Mapping[str, Any]) -> Path:
    """A path from a row ``{ids: [...], edges: [{relation, scope, ...}, ...]}``."""
    ids: Sequence[str] = row["ids"]
    edges = tuple(edge_of(ids[i], ids[i + 1], props) for i, props in enumerate(row["edges"]))
    return Path(tuple(ids), edges)


def path_order(path: Path) -> tuple[Any, ...]:
    """The protocol's order: length, node ids, relations, then scopes (unscoped first)."""
    return (
        path.length,
        path.nodes,
        tuple(e.relation.value for e in path.edges),
        tuple(scope_order(e.scope) for e in path.edges),
    )


def edge_order(edge: Edge, party_id: str) -> tuple[Any, ...]:
    """The order of a party's edges: relation, the other end, the source, then scope."""
    return (edge.relation.value, edge.other_end(party_id), edge.source, scope_order(edge.scope))
