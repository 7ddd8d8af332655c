"""Reading a bulk dataset directory (:mod:`.bulk_format`): fast, and carefully if need be.

The fast path hands each row or line to a :class:`~.build.DatasetBuilder` as it is read,
as the fast YAML reader does; at its first doubt the careful path reads the files again
into plain data that remembers the file and row of every value, and runs the same checks
as a dataset file's (:mod:`.checks`), so that a problem reads the same, with
``file:line`` the row (or the JSON Lines line) it is on.
"""

from __future__ import annotations

import csv
import io
import json
import operator
from collections.abc import Hashable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from accountgraph.dataset.build import (
    ITEM_SECTIONS,
    DatasetBuilder,
    FastPathDoubt,
    build_checked,
    collector_paused,
)
from accountgraph.dataset.bulk_format import (
    JSON_COLUMNS,
    BulkFiles,
    CellError,
    Column,
    RowReader,
    continues,
    csv_rows,
    find_files,
    first_control_character,
    json_value,
    lines,
    read_header,
    text_lines,
)
from accountgraph.dataset.checks import check, subject
from accountgraph.dataset.file_guard import DatasetFile, open_dataset_file
from accountgraph.dataset.yaml_fast import read_fast
from accountgraph.dataset.yaml_lines import Issue, JsonPath, Tree, YamlReadError, read_yaml
from accountgraph.errors import DatasetError, Problem
from accountgraph.model import Dataset

_HEAD = "format, name, title and document"


def examine_bulk(
    directory: Path,
    max_bytes: int,
    *,
    allow_missing_holders: bool = False,
    enforce_rules: bool = True,
) -> tuple[Dataset | None, list[Problem]]:
    """The dataset in the bulk ``directory`` if it is valid, else ``None`` and all its
    problems; each file is read up to ``max_bytes``."""
    files, missing = find_files(directory)
    if missing:
        return None, [Problem(str(path), None, message) for path, message in missing]
    assert files.head is not None
    opened: dict[str, DatasetFile] = {}
    problems: list[Problem] = []
    try:
        for name, path in [("head", files.head), *files.lists.items()]:
            try:
                opened[name] = open_dataset_file(path, max_bytes)
            except DatasetError as error:
                problems += error.problems
        if problems:
            return None, problems
        return _examine(
            files, opened, allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
        )
    finally:
        for file in opened.values():
            file.close()


def _examine(
    files: BulkFiles,
    opened: dict[str, DatasetFile],
    *,
    allow_missing_holders: bool,
    enforce_rules: bool,
) -> tuple[Dataset | None, list[Problem]]:
    builder = DatasetBuilder(
        allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
    )
    try:
        with collector_paused():
            read_fast(opened["head"].reader(), builder)
            for section in ITEM_SECTIONS:
                if section in files.lists:
                    _read_list_fast(section, files.lists[section], opened[section], builder)
            return builder.finish(), []
    except FastPathDoubt:
        del builder
    try:
        texts = {name: file.text() for name, file in opened.items()}
    except DatasetError as error:  # a file changed since it was checked
        return None, error.problems
    with collector_paused():
        return _Careful(files, texts).examine(
            allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
        )


# --- the fast path ----------------------------------------------------------------------


def _read_list_fast(section: str, path: Path, file: DatasetFile, builder: DatasetBuilder) -> None:
    """One list file's items, read and decoded a line at a time."""
    if file.holds_control_character:
        raise FastPathDoubt
    builder.start(section)
    try:
        if path.suffix == ".csv":
            _read_csv_fast(section, text_lines(file.reader(), csv=True), builder)
        else:
            _read_jsonl_fast(section, text_lines(file.reader(), csv=False), builder)
    except (csv.Error, ValueError):  # CellError and json's errors are ValueErrors
        raise FastPathDoubt from None
    builder.end(section)


def _read_jsonl_fast(section: str, text: Iterator[str], builder: DatasetBuilder) -> None:
    """JSON Lines items, a line at a time; parties of the usual shape handed to the
    builder column-wise, a batch at a time, as from CSV."""
    add = builder.add
    if section != "parties":
        for line in text:
            if line.strip():
                add(section, json_value(line))
        return
    while batch := list(islice(text, _JSONL_BATCH)):
        items = [json_value(line) for line in batch if line.strip()]
        if set(map(type, items)) == {dict} and all(map(_PLAIN_PARTY_KEYS.issuperset, items)):
            builder.add_parties(
                list(map(dict.get, items, repeat("id"))),
                list(map(dict.get, items, repeat("kind"))),
                list(map(dict.get, items, repeat("name"))),
                list(map(dict.get, items, repeat("apex"), repeat(False))),
            )
        else:
            for item in items:
                add(section, item)


_JSONL_BATCH = 5_000
"""Lines of parties read before they are handed over: their items are large."""
_PLAIN_PARTY_KEYS = frozenset(("id", "kind", "name", "apex"))


def _read_csv_fast(section: str, text: io.TextIOWrapper, builder: DatasetBuilder) -> None:
    reader = csv_rows(text)
    columns, problems = read_header(section, next(reader, []))
    if problems or not columns:
        raise FastPathDoubt
    rows = RowReader(columns)
    width, read = rows.width, rows.read
    if section == "edges":
        _read_edges_fast(reader, columns, rows, builder)
        return
    add = builder.add
    if section == "parties":
        plain = _PlainParties(columns)
        while batch := list(islice(reader, _BATCH)):
            if not plain.add(batch, builder):
                for row in batch:
                    if len(row) > width:
                        raise FastPathDoubt
                    if row:
                        add(section, read(row)[0])
        return
    for row in reader:
        if len(row) > width:
            raise FastPathDoubt
        if row:
            add(section, read(row)[0])


class _PlainParties:
    """Party rows under one header handed to the builder column-wise, a batch at a time,
    when every row of the batch has all its cells and nothing but an id, a kind, names and
    whether it is apex."""

    def __init__(self, columns: list[Column]) -> None:
        keys = [column.key for column in columns]
        self._width = len(columns)
        self._id = itemgetter(keys.index("id"))
        self._kind = itemgetter(keys.index("kind"))
        names = [i for i, column in enumerate(columns) if column.key == "name"]
        self._names = [itemgetter(i) for i in names]
        self._langs = tuple(str(columns[i].lang) for i in names)
        self._apex = itemgetter(keys.index("apex")) if "apex" in keys else None
        core = {"id", "kind", "name", "apex"}
        self._others = [itemgetter(i) for i, key in enumerate(keys) if key not in core]

    def add(self, batch: list[list[str]], builder: DatasetBuilder) -> bool:
        """Hands ``batch`` over if it is plain; whether it was."""
        if set(map(len, batch)) != {self._width}:
            return False
        if any(any(map(other, batch)) for other in self._others):
            return False
        count = len(batch)
        apexes: list[bool] = [False] * count
        if self._apex is not None:
            cells = list(map(self._apex, batch))
            if not set(cells) <= _APEX.keys():
                return False
            apexes = list(map(_APEX.__getitem__, cells))
        langs = self._langs
        names = [
            dict(zip(langs, texts, strict=True))
            if all(texts)
            else {lang: text for lang, text in zip(langs, texts, strict=True) if text}
            for texts in zip(*[map(name, batch) for name in self._names], strict=True)
        ]
        ids = list(map(self._id, batch))
        builder.add_parties(ids, list(map(self._kind, batch)), names, apexes)
        return True


_APEX = {"": False, "true": True, "false": False}


def _read_edges_fast(
    reader: Iterator[list[str]], columns: list[Column], rows: RowReader, builder: DatasetBuilder
) -> None:
    """Edges, each a row or (with further citations) several.

    Rows go to the builder in batches, column-wise: the ends of each edge and the rest of
    its cells, so that edges alike (the same relation, scope, citation...) are checked
    once. A batch in which no row has the key of the row before it holds no further
    citation, and goes without a look at each row; any other is read row by row."""
    names = [column.key for column in columns]
    source, target = names.index("from"), names.index("to")
    keys = [source, target, *(i for i, name in enumerate(names) if name in ("relation", "scope"))]
    cites = [i for i, column in enumerate(columns) if column.cites]
    others = [i for i in range(len(columns)) if i not in keys and i not in cites]
    rest = [i for i in range(len(columns)) if i not in (source, target)]
    rest_of = itemgetter(*rest) if len(rest) > 1 else (lambda row: (row[rest[0]],))
    key_of = itemgetter(*keys)
    source_of, target_of = itemgetter(source), itemgetter(target)
    width = rows.width
    sources: list[str] = []
    targets: list[str] = []
    rests: list[Hashable] = []

    def rest_item(key: Hashable) -> dict[str, Any]:
        row = [""] * width
        for index, cell in zip(rest, key, strict=True):  # type: ignore[call-overload]
            row[index] = cell
        item, cite = rows.read(row)
        if cite:
            item["cite"] = [cite]
        return item

    def flush() -> None:
        builder.add_edges(sources, targets, rests, rest_item)
        sources.clear()
        targets.clear()
        rests.clear()

    def continues(first: list[str], row: list[str]) -> bool:
        """Whether ``row`` is a further citation of the edge whose first row is ``first``."""
        return (
            all(row[i] == first[i] for i in keys)
            and not any(row[i] for i in others)
            and any(row[i] for i in cites)
            and any(first[i] for i in cites)
        )

    def add_group(group: list[list[str]]) -> None:
        first = group[0]
        if len(group) == 1:
            sources.append(first[source])
            targets.append(first[target])
            rests.append(rest_of(first))
            return
        flush()
        item, cite = rows.read(first)
        item["cite"] = [cite, *(rows.read(more)[1] for more in group[1:])]
        builder.add("edges", item)

    def row_by_row(batch: list[list[str]]) -> list[list[str]]:
        """Adds the edges of ``batch`` but the last, which a row after it may continue:
        that one's rows are returned."""
        group: list[list[str]] = []
        for row in batch:
            if len(row) != width:
                if len(row) > width:
                    raise FastPathDoubt
                if not row:
                    continue
                row += [""] * (width - len(row))
            if group and row[source] == group[0][source] and continues(group[0], row):
                group.append(row)
                continue
            if group:
                add_group(group)
            group = [row]
        flush()
        return group

    carry: list[list[str]] = []
    while True:
        batch = carry + list(islice(reader, _BATCH))
        if len(batch) == len(carry):
            break
        carry = batch[-1:]
        if set(map(len, batch)) == {width}:
            batch_keys = list(map(key_of, batch))
            if not any(map(operator.eq, batch_keys, batch_keys[1:])):
                del batch[-1]
                builder.add_edges(
                    list(map(source_of, batch)),
                    list(map(target_of, batch)),
                    list(map(rest_of, batch)),
                    rest_item,
                )
                continue
        carry = row_by_row(batch)
    if carry:
        add_group(carry)
        flush()


_BATCH = 50_000
"""Edges handed to the builder at once."""


# --- the careful path -------------------------------------------------------------------


class _Careful:
    """The files read into plain data that knows each value's file and row: a
    :class:`~.checks.Located` for the checks.

    As a YAML syntax error does, what stops a file from being read at all (a control
    character, CSV that is not CSV, a line that is not JSON, a header naming unknown
    columns) is reported alone, before any check. A JSON line with a value no dataset
    holds (a key twice, a number out of range) is read leniently so that the rest still
    know its id, and only the reader's word is said of it."""

    def __init__(self, files: BulkFiles, texts: dict[str, str]) -> None:
        self._files = files
        self._texts = texts
        self.data: dict[str, Any] = {}
        self.issues: list[Issue] = []
        self.refused: set[JsonPath] = set()
        self._head: Tree | None = None
        self._head_problems: list[Problem] = []
        self._stopped: list[Problem] = []
        """What keeps a file from being read."""
        self._read_leniently: set[JsonPath] = set()
        """Items (section, index) of which only the reader's issue is said."""
        self._rows: dict[str, list[int]] = {}
        """The line of each item, by section."""
        self._cite_rows: dict[int, list[int]] = {}
        """The line of each citation of an edge written over several rows."""

    def examine(
        self, *, allow_missing_holders: bool, enforce_rules: bool = True
    ) -> tuple[Dataset | None, list[Problem]]:
        problems = self._read_head()
        if problems:
            return None, problems
        for section, path in self._files.lists.items():
            self._rows[section] = []
            items: list[Any] = []
            self.data[section] = items
            if path.suffix == ".csv":
                self._read_csv(section, items)
            else:
                self._read_jsonl(section, items)
        if self._stopped:
            return None, self._stopped
        own = {id(issue) for issue in self.issues}
        issues = [
            issue
            for issue in check(
                self, allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
            )
            if id(issue) in own or issue.path[:2] not in self._read_leniently
        ]
        problems = [
            Problem(
                self.file(issue.path), issue.line, issue.message, subject(self.data, issue.path)
            )
            for issue in issues
        ]
        problems += self._head_problems
        if problems:
            return None, sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))
        return build_checked(self.data), []

    def file(self, path: JsonPath) -> str:
        """The file ``path`` was read from."""
        if path and path[0] in self._files.lists:
            return str(self._files.lists[str(path[0])])
        return str(self._files.head)

    # Located

    def line(self, path: JsonPath) -> int:
        section = path[0] if path else None
        if section not in self._rows:
            return 1 if self._head is None else self._head.line(path)
        rows = self._rows[str(section)]
        if len(path) < 2 or not isinstance(path[1], int) or path[1] >= len(rows):
            return 1
        index = path[1]
        cite_rows = self._cite_rows.get(index) if section == "edges" else None
        if cite_rows and len(path) > 3 and path[2] == "cite" and isinstance(path[3], int):
            return cite_rows[min(path[3], len(cite_rows) - 1)]
        return rows[index]

    def value_line(self, path: JsonPath) -> int:
        return self.line(path)

    def source(self, path: JsonPath) -> str | None:
        if (path and path[0] in self._rows) or self._head is None:
            return None
        return self._head.source(path)

    # reading

    def _read_head(self) -> list[Problem]:
        head = str(self._files.head)
        try:
            tree = read_yaml(self._texts["head"])
        except YamlReadError as error:
            return [Problem(head, error.line, error.message)]
        if tree is None:
            return [Problem(head, None, f"the file is empty; expected {_HEAD}")]
        if not isinstance(tree.data, dict):
            message = f"expected a mapping with {_HEAD} at the top of the file"
            return [Problem(head, tree.value_line(()), message)]
        self._head = tree
        self.issues += tree.issues
        self.refused |= tree.refused
        for key, value in tree.data.items():
            if key in ITEM_SECTIONS:
                message = (
                    f'"{key}" belongs in {key}.csv or {key}.jsonl beside this file, not in it; '
                    f"the header holds {_HEAD}"
                )
                self._head_problems.append(Problem(head, tree.line((key,)), message))
            else:
                self.data[key] = value
        return []

    def _stop(self, section: str, line: int | None, message: str) -> None:
        self._stopped.append(Problem(str(self._files.lists[section]), line, message))

    def _read_jsonl(self, section: str, items: list[Any]) -> None:
        found = first_control_character(self._texts[section])
        if found is not None:
            self._stop(section, *found)
            return
        rows = self._rows[section]
        for number, line in lines(self._texts[section]):
            path: JsonPath = (section, len(items))
            rows.append(number)
            try:
                items.append(json_value(line))
            except json.JSONDecodeError as error:
                self._stop(
                    section, number, f"the line is not JSON: {error.msg} (column {error.colno})"
                )
                items.append(None)
            except CellError as error:
                self.issues.append(Issue(path, number, str(error)))
                self._read_leniently.add(path)
                items.append(json.loads(line))

    def _read_csv(self, section: str, items: list[Any]) -> None:
        found = first_control_character(self._texts[section])
        if found is not None:
            self._stop(section, *found)
            return
        rows = self._rows[section]
        reader = csv.reader(io.StringIO(self._texts[section], newline=""), strict=True)
        try:
            columns, problems = read_header(section, next(reader, []))
        except csv.Error as error:
            self._stop(section, 1, f"the header row is not valid CSV: {error}")
            return
        if not columns:
            self._stop(section, 1, "the file is empty: it needs a header row naming its columns")
        for message in problems:
            self._stop(section, 1, message)
        if problems or not columns:
            return
        row_reader = RowReader(columns)
        edge: dict[str, Any] | None = None
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader, None)
            except csv.Error as error:
                self._stop(section, reader.line_num, f"the row is not valid CSV: {error}")
                return
            if row is None:
                return
            if not row:
                continue
            path: JsonPath = (section, len(items))
            if len(row) > len(columns):
                message = f"the row has {len(row)} cells; the header names {len(columns)}"
                self.issues.append(Issue(path, start, message))
            item, cite = self._row(columns, row_reader, row, path, start)
            if section == "edges" and edge is not None and continues(edge, item, cite):
                edge["cite"].append(cite)
                cite_rows = self._cite_rows.setdefault(len(items) - 1, [rows[-1]])
                cite_rows.append(start)
                continue
            if section == "edges":
                if cite:
                    item["cite"] = [cite]
                edge = item
            items.append(item)
            rows.append(start)

    def _row(
        self, columns: list[Column], rows: RowReader, row: list[str], path: JsonPath, line: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            return rows.read(row)
        except CellError:
            pass
        # A JSON cell holds what no dataset holds: say which, and read the rest.
        for index, column in enumerate(columns):
            if index < len(row) and row[index] and column.key in JSON_COLUMNS:
                try:
                    json_value(row[index])
                except CellError as error:
                    self.issues.append(Issue((*path, column.key), line, f"{column.key}: {error}"))
                    self.refused.add((*path, column.key))
                    row = [*row[:index], "", *row[index + 1 :]]
                except json.JSONDecodeError:
                    pass
        return rows.read(row)
