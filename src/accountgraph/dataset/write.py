"""A dataset written in its own formats: a dataset file (YAML), or a bulk directory of
CSV or JSON Lines files (:mod:`.bulk_format`). What is written reads back as the same
:class:`~accountgraph.model.Dataset`.

Two things a model built in code may hold that the format cannot: a citation without
text is written with its section as its English text, and a duty of another document
than the dataset's is written as the dataset's (the format has no place for it).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from accountgraph.dataset.bulk_format import (
    EDGE_KEY,
    FLAG_COLUMNS,
    JSON_COLUMNS,
    PLAIN_COLUMNS,
    REQUIRED_COLUMNS,
    TEXT_COLUMNS,
)
from accountgraph.dataset.yaml_compose import Loader
from accountgraph.model import (
    ALWAYS,
    Citation,
    Dataset,
    Edge,
    Fact,
    Party,
    Responsibility,
    Text,
    Validity,
)

FORMAT = "accountgraph/1"
BULK_FORMATS = ("csv", "jsonl")

_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9 _./()-]*(?<! )$")
"""Text written without quotes when YAML would read it back as that text."""
_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
"""What a double-quoted YAML scalar must escape that JSON writes as it is."""


# --- plain values -------------------------------------------------------------------------


def dataset_head(dataset: Dataset) -> dict[str, Any]:
    """The ``format``, ``name``, ``title`` and ``document`` of a dataset file."""
    document = dataset.document
    doc: dict[str, Any] = {"symbol": document.symbol, "title": _text(document.title)}
    if document.date is not None:
        doc["date"] = document.date.isoformat()
    if document.in_force is not None:
        doc["in_force"] = document.in_force.isoformat()
    if document.in_force_basis is not None:
        doc["in_force_basis"] = _text(document.in_force_basis)
    doc["sections"] = list(document.sections)
    if document.facts:
        doc["facts"] = [_fact(fact, document.symbol) for fact in document.facts]
    return {"format": FORMAT, "name": dataset.name, "title": _text(dataset.title), "document": doc}


def party_item(party: Party, dataset: Dataset) -> dict[str, Any]:
    item: dict[str, Any] = {"id": party.id, "kind": party.kind.value, "name": _text(party.name)}
    if party.aliases:
        item["aliases"] = list(party.aliases)
    if party.description is not None:
        item["description"] = _text(party.description)
    if party.apex:
        item["apex"] = True
    if party.apex_reason is not None:
        item["apex_reason"] = _text(party.apex_reason)
    if not party.name_in_source:
        item["name_in_source"] = False
    if party.name_note is not None:
        item["name_note"] = _text(party.name_note)
    if party.facts:
        item["facts"] = [_fact(fact, dataset.document.symbol) for fact in party.facts]
    item.update(_dates(party.validity, dataset))
    return item


def edge_item(edge: Edge, dataset: Dataset) -> dict[str, Any]:
    item: dict[str, Any] = {"from": edge.source, "relation": edge.relation.value, "to": edge.target}
    if edge.scope is not None:
        item["scope"] = edge.scope
    item["cite"] = [_citation(c, dataset.document.symbol) for c in edge.citations]
    if edge.note is not None:
        item["note"] = _text(edge.note)
    item.update(_dates(edge.validity, dataset))
    return item


def responsibility_item(duty: Responsibility) -> dict[str, Any]:
    item: dict[str, Any] = {"code": duty.code, "holder": duty.holder, "text": _text(duty.text)}
    if duty.note is not None:
        item["note"] = _text(duty.note)
    # Both ends as they are: a duty's start is its own, never the document's in_force.
    if duty.validity.valid_from is not None:
        item["valid_from"] = duty.validity.valid_from.isoformat()
    if duty.validity.valid_to is not None:
        item["valid_to"] = duty.validity.valid_to.isoformat()
    return item


def _text(text: Text) -> dict[str, str]:
    return text.as_dict()


def _citation(citation: Citation, symbol: str) -> dict[str, Any]:
    cite: dict[str, Any] = {} if citation.document == symbol else {"document": citation.document}
    cite["section"] = citation.section
    cite["text"] = _text(citation.text) if citation.text else {"en": citation.section}
    return cite


def _fact(fact: Fact, symbol: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": fact.name,
        "value": fact.value,
        "cite": _citation(fact.citation, symbol),
    }
    if fact.note is not None:
        item["note"] = _text(fact.note)
    return item


def _dates(validity: Validity, dataset: Dataset) -> dict[str, str]:
    """An item's dates; a start that is the document's ``in_force`` goes without saying."""
    if validity == ALWAYS:
        return {}
    dates: dict[str, str] = {}
    start = validity.valid_from
    if start is not None and start != dataset.document.in_force:
        dates["valid_from"] = start.isoformat()
    if validity.valid_to is not None:
        dates["valid_to"] = validity.valid_to.isoformat()
    return dates


# --- YAML ---------------------------------------------------------------------------------


def dataset_yaml(dataset: Dataset) -> str:
    """``dataset`` as a dataset file."""
    return "".join(_yaml_lines(dataset))


def _yaml_lines(dataset: Dataset) -> Iterator[str]:
    yield from _block(dataset_head(dataset), "")
    sections: list[tuple[str, Iterable[dict[str, Any]]]] = [
        ("parties", (party_item(p, dataset) for p in dataset.parties)),
        ("edges", (edge_item(e, dataset) for e in dataset.edges)),
        ("responsibilities", (responsibility_item(r) for r in dataset.responsibilities)),
    ]
    for name, items in sections:
        first = True
        for item in items:
            if first:
                yield f"{name}:\n"
                first = False
            yield from _block(item, "    ", "  - ")
        if first and name != "responsibilities":
            yield f"{name}: []\n"


def _block(mapping: dict[str, Any], indent: str, first: str | None = None) -> Iterator[str]:
    """A mapping in block style; ``first`` starts its first line (a list item's dash)."""
    for key, value in mapping.items():
        lead = first if first is not None else indent
        first = None
        if _is_flow(value):
            yield f"{lead}{_scalar(key)}: {_flow(value)}\n"
        elif isinstance(value, dict):
            yield f"{lead}{_scalar(key)}:\n"
            yield from _block(value, indent + "  ")
        else:
            yield f"{lead}{_scalar(key)}:\n"
            for item in value:
                if _is_flow(item):
                    yield f"{indent}  - {_flow(item)}\n"
                else:
                    yield from _block(item, indent + "    ", indent + "  - ")


def _is_flow(value: Any) -> bool:
    """Written on one line: a scalar, a text by language, a list of scalars."""
    if isinstance(value, dict):
        return all(isinstance(v, str) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return True


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        written = repr(value)
        # YAML 1.1 reads a number without a point (1e+16) as text.
        return written if "." in written else written.replace("e", ".0e")
    text = str(value)
    if _PLAIN.match(text) and _reads_as_text(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda found: f"\\u{ord(found.group()):04x}", quoted)


def _reads_as_text(text: str) -> bool:
    resolvers = Loader.yaml_implicit_resolvers.get(text[:1], ())
    return not any(pattern.match(text) for _, pattern in resolvers)


# --- bulk ---------------------------------------------------------------------------------


def write_bulk(dataset: Dataset, directory: Path, fmt: str) -> list[Path]:
    """Write ``dataset`` as a bulk directory of ``fmt`` (``csv`` or ``jsonl``) files;
    the directory is made if need be. Returns the files written."""
    sections: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
        "parties": lambda: (party_item(p, dataset) for p in dataset.parties),
        "edges": lambda: (edge_item(e, dataset) for e in dataset.edges),
    }
    if dataset.responsibilities:
        sections["responsibilities"] = lambda: (
            responsibility_item(r) for r in dataset.responsibilities
        )
    return write_bulk_items(dataset_head(dataset), sections, directory, fmt)


def write_bulk_items(
    head: dict[str, Any],
    sections: dict[str, Callable[[], Iterator[dict[str, Any]]]],
    directory: Path,
    fmt: str,
) -> list[Path]:
    """Write a bulk directory from plain values: the ``head`` (format, name, title,
    document) and, by section, a function that gives its items (called once for JSON
    Lines, twice for CSV: first to find the columns)."""
    if fmt not in BULK_FORMATS:
        raise ValueError(f"unknown bulk format {fmt!r}: use one of {', '.join(BULK_FORMATS)}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "dataset.yaml"
    path.write_text("".join(_block(head, "")), encoding="utf-8")
    written = [path]
    for section, items in sections.items():
        path = directory / f"{section}.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as file:
            if fmt == "jsonl":
                for item in items():
                    file.write(json.dumps(item, ensure_ascii=False) + "\n")
            else:
                _write_csv(file, section, items)
        written.append(path)
    return written


_COLUMN_ORDER = {
    "parties": (
        "id", "kind", "name", "aliases", "description", "apex", "apex_reason",
        "name_in_source", "name_note", "facts", "valid_from", "valid_to",
    ),
    "edges": (
        "from", "relation", "to", "scope", "valid_from", "valid_to", "note",
        "document", "section", "text",
    ),
    "responsibilities": ("code", "holder", "valid_from", "valid_to", "text", "note"),
}  # fmt: skip


def _write_csv(file: TextIO, section: str, items: Callable[[], Iterator[dict[str, Any]]]) -> None:
    used = set(REQUIRED_COLUMNS[section])
    for item in items():
        for row in _csv_rows(section, item):
            used.update(row)
    columns = sorted(used, key=lambda column: _column_rank(section, column))
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(columns)
    for item in items():
        for row in _csv_rows(section, item):
            writer.writerow([row.get(column, "") for column in columns])


def _column_rank(section: str, column: str) -> tuple[int, bool, str]:
    """Where a column goes: in :data:`_COLUMN_ORDER`, English first among languages."""
    field, lang = column, ""
    if column not in PLAIN_COLUMNS[section]:
        for text in sorted(TEXT_COLUMNS[section], key=len, reverse=True):
            if column.startswith(text + "_"):
                field, lang = text, column[len(text) + 1 :]
                break
    return _COLUMN_ORDER[section].index(field), lang != "en", lang


def _csv_rows(section: str, item: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of one item: one, or one for each citation of an edge."""
    cites: list[dict[str, Any]] = item.get("cite", []) if section == "edges" else []
    row: dict[str, str] = {}
    for key, value in item.items():
        if key == "cite" and section == "edges":
            continue
        if isinstance(value, dict):
            for lang, text in value.items():
                row[f"{key}_{lang}"] = text
        elif key in FLAG_COLUMNS and isinstance(value, bool):
            row[key] = "true" if value else "false"
        elif key in JSON_COLUMNS:
            row[key] = json.dumps(value, ensure_ascii=False)
        else:
            row[key] = str(value)
    if not cites:
        return [row]
    rows: list[dict[str, str]] = []
    for index, cite in enumerate(cites):
        # Further citations of an edge: its key again, and nothing else of the edge.
        each = dict(row) if index == 0 else {k: row[k] for k in EDGE_KEY if k in row}
        if "document" in cite:
            each["document"] = cite["document"]
        each["section"] = cite["section"]
        for lang, text in cite["text"].items():
            each[f"text_{lang}"] = text
        rows.append(each)
    return rows
