"""The bulk format: a dataset as a directory of CSV or JSON Lines files.

A large organisation exports its parties and edges from a database the way
``neo4j-admin import`` reads them, one file of nodes and one of relationships::

    dataset.yaml            format, name, title and document, as in a dataset file
                            (or dataset.json)
    parties.csv             one party a row         (or parties.jsonl)
    edges.csv               one citation a row      (or edges.jsonl)
    responsibilities.csv    optional                (or responsibilities.jsonl)

A JSON Lines file holds one item a line, a JSON object with the keys the item has in a
dataset file. A CSV file starts with a header row naming its columns:

- ``parties.csv``: ``id``, ``kind``, ``name_<lang>`` (``name_en``, ``name_zh``, ...),
  ``aliases``, ``description_<lang>``, ``apex``, ``apex_reason_<lang>``,
  ``name_in_source``, ``name_note_<lang>``, ``facts``, ``valid_from``, ``valid_to``;
- ``edges.csv``: ``from``, ``relation``, ``to``, ``scope``, ``valid_from``, ``valid_to``,
  ``note_<lang>``, and the citation: ``document``, ``section``, ``text_<lang>``. An edge
  with several citations takes one row for each, the further ones right after the first
  with the same ``from``, ``relation``, ``to`` and ``scope`` and the edge's other columns
  empty;
- ``responsibilities.csv``: ``code``, ``holder``, ``valid_from``, ``valid_to``,
  ``text_<lang>``, ``note_<lang>``.

An empty cell is a value not given. ``apex`` and ``name_in_source`` are ``true`` or
``false``; ``aliases`` and ``facts`` hold JSON (``["SG", "DG"]``; facts as in a dataset
file). Only the columns a file needs must be there; their order is free.

This module knows the format: where the files are, what the columns mean, how a row or
a line becomes an item. :mod:`.bulk` reads a directory with it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from yaml.reader import Reader

from accountgraph.dataset.build import ITEM_SECTIONS
from accountgraph.suggest import closest

HEAD_FILES = ("dataset.yaml", "dataset.json")
LIST_FORMATS = ("csv", "jsonl")
REQUIRED_SECTIONS = ("parties", "edges")

PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": (
        "id",
        "kind",
        "aliases",
        "apex",
        "name_in_source",
        "facts",
        "valid_from",
        "valid_to",
    ),
    "edges": ("from", "relation", "to", "scope", "valid_from", "valid_to", "document", "section"),
    "responsibilities": ("code", "holder", "valid_from", "valid_to"),
}
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": ("name", "description", "apex_reason", "name_note"),
    "edges": ("note", "text"),
    "responsibilities": ("text", "note"),
}
"""Texts by language: a column ``<field>_<lang>`` for each language."""
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": ("id", "kind", "name_en"),
    "edges": ("from", "relation", "to", "section", "text_en"),
    "responsibilities": ("code", "holder", "text_en"),
}
FLAG_COLUMNS = frozenset(("apex", "name_in_source"))
JSON_COLUMNS = frozenset(("aliases", "facts"))
CITATION_KEYS = frozenset(("document", "section", "text"))
"""The columns of ``edges.csv`` that belong to a row's citation, not to its edge."""
EDGE_KEY = ("from", "relation", "to", "scope")
_SPECIAL = FLAG_COLUMNS | JSON_COLUMNS

_FLAGS = {"true": True, "false": False}
_NON_PRINTABLE = Reader.NON_PRINTABLE
_INT_RANGE = range(-(2**63), 2**63)
_LONGEST_NUMBER = 100
_ESCAPE = (
    "written as an escape: a dataset's text cannot hold control characters or unpaired surrogates"
)


@dataclass(frozen=True, slots=True)
class BulkFiles:
    """The files of a bulk dataset directory; ``lists`` by section."""

    directory: Path
    head: Path | None
    lists: dict[str, Path] = field(default_factory=dict)


def find_files(directory: Path) -> tuple[BulkFiles, list[tuple[Path, str]]]:
    """The files of the bulk dataset in ``directory``, and what is missing or doubled as
    (file, message) pairs."""
    try:
        names = set(os.listdir(directory))
    except OSError as error:
        return BulkFiles(directory, None), [(directory, f"cannot read the directory: {error}")]
    heads = [name for name in HEAD_FILES if name in names]
    lists: dict[str, Path] = {}
    problems: list[tuple[Path, str]] = []
    for section in ITEM_SECTIONS:
        found = [f"{section}.{fmt}" for fmt in LIST_FORMATS if f"{section}.{fmt}" in names]
        if len(found) > 1:
            problems.append((directory, f"holds both {' and '.join(found)}: keep one"))
        if found:
            lists[section] = directory / found[0]
    files = BulkFiles(directory, directory / heads[0] if heads else None, lists)
    if not heads and not lists:
        message = (
            "cannot read a directory: a dataset must be a regular file, or a directory "
            "holding dataset.yaml, parties.csv and edges.csv (or .jsonl) — none is here"
        )
        return files, [(directory, message)]
    if len(heads) > 1:
        problems.append((directory, "holds both dataset.yaml and dataset.json: keep one"))
    if not heads:
        problems.append(
            (
                directory,
                "holds no dataset.yaml (or dataset.json) with format, name, title and document",
            )
        )
    for section in REQUIRED_SECTIONS:
        if section not in lists:
            problems.append((directory, f"holds no {section}.csv or {section}.jsonl"))
    return files, problems


# --- CSV ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """What a CSV column holds: the item's ``key``, in ``lang`` for a text by language."""

    key: str
    lang: str | None = None
    cites: bool = False
    """A column of an edge row's citation."""


def read_header(section: str, names: list[str]) -> tuple[list[Column], list[str]]:
    """The columns a header row names, and what is wrong with it."""
    plain = PLAIN_COLUMNS[section]
    texts = sorted(TEXT_COLUMNS[section], key=len, reverse=True)
    columns: list[Column] = []
    problems: list[str] = []
    for name in names:
        if name in plain:
            columns.append(Column(name, None, section == "edges" and name in CITATION_KEYS))
            continue
        text = next((t for t in texts if name.startswith(t + "_") and len(name) > len(t) + 1), None)
        if text is not None:
            lang = name[len(text) + 1 :]
            columns.append(Column(text, lang, section == "edges" and text in CITATION_KEYS))
            continue
        known = [*plain, *(f"{t}_en" for t in TEXT_COLUMNS[section])]
        hint = closest(name, known, limit=1, spread=0.1)
        shown = f' (did you mean "{hint[0]}"?)' if hint else ""
        problems.append(
            f'unknown column "{_clip(name)}"{shown}; expected {", ".join(plain)} and '
            f"{', '.join(t + '_<lang>' for t in TEXT_COLUMNS[section])}"
        )
        columns.append(Column(""))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(f'the column "{_clip(name)}" is named twice')
        seen.add(name)
    for name in REQUIRED_COLUMNS[section]:
        if name not in seen:
            problems.append(f'no "{name}" column: every {_noun(section)} needs one')
    return columns, problems


class RowReader:
    """Turns rows under one header into items: a row as an item and (for an edge) its
    citation. JSON and flag cells that are not JSON or a flag are kept as the text they
    are, for the checks to say so; :class:`CellError` for a JSON value no dataset holds.
    Cells past the header are left to the caller."""

    def __init__(self, columns: list[Column]) -> None:
        self.width = len(columns)
        plain = [(i, c) for i, c in enumerate(columns) if c.lang is None and c.key]
        self._plain = [(i, c.key) for i, c in plain if c.key not in _SPECIAL and not c.cites]
        self._cite_plain = [(i, c.key) for i, c in plain if c.cites]
        self._flags = [(i, c.key) for i, c in plain if c.key in FLAG_COLUMNS]
        self._json = [(i, c.key) for i, c in plain if c.key in JSON_COLUMNS]
        texts = [(i, c) for i, c in enumerate(columns) if c.lang is not None]
        self._texts = [(i, c.key, c.lang) for i, c in texts if not c.cites]
        self._cite_texts = [(i, c.key, c.lang) for i, c in texts if c.cites]

    def read(self, row: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        item: dict[str, Any] = {key: row[i] for i, key in self._plain if row[i]}
        for i, key, lang in self._texts:
            if row[i]:
                texts = item.get(key)
                if texts is None:
                    texts = item[key] = {}
                texts[lang] = row[i]
        for i, key in self._flags:
            if row[i]:
                item[key] = _FLAGS.get(row[i], row[i])
        for i, key in self._json:
            if row[i]:
                item[key] = json_cell(row[i])
        cite: dict[str, Any] = {key: row[i] for i, key in self._cite_plain if row[i]}
        for i, key, lang in self._cite_texts:
            if row[i]:
                texts = cite.get(key)
                if texts is None:
                    texts = cite[key] = {}
                texts[lang] = row[i]
        return item, cite


def continues(edge: dict[str, Any], item: dict[str, Any], cite: dict[str, Any]) -> bool:
    """Whether a row (``item`` and ``cite``) is a further citation of ``edge``."""
    if not cite or "cite" not in edge:
        return False
    for key in EDGE_KEY:
        if item.get(key) != edge.get(key):
            return False
    return len(item) == sum(1 for key in EDGE_KEY if key in item)


def csv_rows(text: io.TextIOBase) -> Iterator[list[str]]:
    """The rows of the CSV ``text`` (read with ``newline=""``), as ``csv.reader(text,
    strict=True)`` gives them, read in large stretches: in a stretch of whole lines with no
    quote and no carriage return, a comma can only part cells and a line feed only rows, so
    it is split by :meth:`str.split`, in C; from the first stretch that is not so, the csv
    module reads.
    """
    tail = ""
    while chunk := text.read(_STRETCH):
        chunk = tail + chunk
        cut = chunk.rfind("\n") + 1
        lines = chunk[: cut - 1].split("\n") if cut else []
        longest = csv.field_size_limit()  # past it, the csv module refuses a cell
        if not cut or '"' in chunk or "\r" in chunk or max(map(len, lines)) > longest:
            rest = io.StringIO(chunk + text.readline(), newline="")
            yield from csv.reader(chain(rest, text), strict=True)
            return
        tail = chunk[cut:]
        for line in lines:
            yield line.split(",") if line else []
    if tail:
        yield from csv.reader([tail], strict=True)


_STRETCH = 1 << 22
"""Characters of CSV read at a time."""


# --- JSON -----------------------------------------------------------------------------


class CellError(ValueError):
    """A JSON value no dataset holds (a number out of range, a key twice, an escape)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CellError(f'duplicate key "{_clip(key)}"')
            seen.add(key)
    return value


def _integer(text: str) -> int:
    quote = f'put it in quotes if it is text: "{_clip(text)}"'
    if len(text) > _LONGEST_NUMBER:
        raise CellError(
            f"a whole number written with {len(text):,} characters is too long; {quote}"
        )
    value = int(text)
    if value not in _INT_RANGE:
        raise CellError(
            f"{text} is too large a whole number: a graph database stores "
            f"{_INT_RANGE.start:,} to {_INT_RANGE.stop - 1:,}; {quote}"
        )
    return value


def _real(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise CellError(
            f"{_clip(text)} is too large a number (beyond ±1.8e308): a dataset's numbers "
            "are finite; put it in quotes if it is text"
        )
    return value


def _constant(text: str) -> Any:
    what = "is not a number (NaN)" if text == "NaN" else "is infinite"
    raise CellError(
        f"{text} {what}: a dataset's numbers are finite; put it in quotes if it is text"
    )


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_int=_integer, parse_float=_real, parse_constant=_constant
)


def json_value(text: str) -> Any:
    """The JSON value ``text``; raises :class:`CellError` for one no dataset holds, and
    :class:`json.JSONDecodeError` for what is not JSON."""
    value = _DECODER.decode(text)
    if "\\u" in text:
        _check_escapes(value)
    return value


def json_cell(text: str) -> Any:
    """A JSON cell's value, or the cell's text if it is not JSON."""
    try:
        return json_value(text)
    except json.JSONDecodeError:
        return text


def _check_escapes(value: Any) -> None:
    if isinstance(value, str):
        found = _NON_PRINTABLE.search(value)
        if found is not None:
            raise CellError(f"the text holds U+{ord(found.group()):04X}, {_ESCAPE}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_escapes(key)
            _check_escapes(item)
    elif isinstance(value, list):
        for item in value:
            _check_escapes(item)


def first_control_character(text: str) -> tuple[int, str] | None:
    """The line and message of the first character no dataset's text holds, if any."""
    found = _NON_PRINTABLE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return line, (
        f"character U+{ord(found.group()):04X} is not allowed: a dataset's text cannot "
        "hold control characters"
    )


def text_lines(stream: io.RawIOBase, *, csv: bool) -> io.TextIOWrapper:
    """The lines of a stream of UTF-8, decoded one at a time: for CSV at any line break,
    keeping it (as the csv module wants), else at line feeds only."""
    buffered = io.BufferedReader(stream, buffer_size=1 << 20)
    return io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="" if csv else "\n")


def lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a JSON Lines text that are not blank, with their numbers."""
    number = 0
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        number += 1
        line = text[start:end]
        start = end + 1
        if line.strip():
            yield number, line


def _noun(section: str) -> str:
    return {"parties": "party", "edges": "edge", "responsibilities": "responsibility"}[section]


def _clip(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text):,} characters)"
