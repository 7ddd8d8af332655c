"""A change set file (YAML, :file:`graph/changeset.schema.json`), read as a dataset file is:
within bounds (:mod:`accountgraph.dataset.file_guard`), by the reader that knows the line
of every value (:mod:`accountgraph.dataset.yaml_lines`), and every problem it has told at
its line, so that ``accountgraph propose`` points at what to fix.

The file's content is then what :func:`~accountgraph.governance.change_set.read_content`
makes of it, and a refusal of the service about one of its operations can be told at the
line of that operation (:meth:`ChangeSetFile.refusal_line`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import ValidationError

from accountgraph.dataset.file_guard import read_dataset_text
from accountgraph.dataset.schema_messages import QUOTED, pattern_message, show, type_message
from accountgraph.dataset.yaml_lines import JsonPath, Tree, read_mapping
from accountgraph.dates import parse_day
from accountgraph.errors import ChangeRefusedError, DatasetError, Problem
from accountgraph.governance.change_set import (
    ChangeSetContent,
    change_set_validator,
    read_content,
)
from accountgraph.governance.changeable import mentioned_parties
from accountgraph.suggest import closest

MAX_CHANGE_SET_BYTES = 16 << 20
"""The largest change set file read: a thousand operations (the most one may hold) with
long citations fit in far less."""

_TOP_LEVEL = "title, reason, basis, effective and operations"
_DATE_KEYS = frozenset(("effective", "valid_from", "valid_to"))
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


@dataclass(frozen=True, slots=True)
class ChangeSetFile:
    """A valid change set file: what it asks, and where each part of it was written."""

    path: str
    content: ChangeSetContent
    tree: Tree

    def operation_line(self, index: int) -> int:
        """The line operation ``index`` (from 0) begins on."""
        return self.tree.value_line(("operations", index))

    def refusal_line(self, refused: ChangeRefusedError) -> int | None:
        """The line of the operation a refusal is about: the one it names, else the first
        that names one of its parties; ``None`` when it concerns the change set as a whole
        (its state, four eyes)."""
        if refused.operation is not None:
            return self.operation_line(refused.operation)
        parties = set(refused.parties)
        for index, operation in enumerate(self.content.operations):
            if parties & mentioned_parties([operation]):
                return self.operation_line(index)
        return None


def read_change_set_file(
    path: Path, *, max_bytes: int = MAX_CHANGE_SET_BYTES
) -> tuple[ChangeSetFile | None, list[Problem]]:
    """The change set file at ``path`` and no problem, or ``None`` and every problem
    it has, each at its line."""
    try:
        text = read_dataset_text(path, max_bytes)
    except DatasetError as error:
        return None, error.problems
    return read_change_set_text(text, str(path))


def read_change_set_text(text: str, filename: str) -> tuple[ChangeSetFile | None, list[Problem]]:
    """As :func:`read_change_set_file`, for the text of a file ``filename`` names."""
    tree, unread = read_mapping(text, filename, _TOP_LEVEL)
    if tree is None:
        return None, unread
    found = [(issue.line, issue.message) for issue in tree.issues]
    for schema_error in change_set_validator().iter_errors(tree.data):
        found += [
            (line, message)
            for path, line, message in _schema_problems(schema_error, tree)
            if path not in tree.refused
        ]
    found += _date_problems(tree)
    if found:
        unique = sorted(set(found))
        return None, [Problem(filename, line, message) for line, message in unique]
    try:
        content = read_content(tree.data)
    except ChangeRefusedError as refused:  # a rule of the schema the checks above missed
        return None, [Problem(filename, None, str(refused))]
    return ChangeSetFile(filename, content, tree), []


# --- the schema's findings, told for people ---------------------------------------------


def _schema_problems(error: ValidationError, tree: Tree) -> Iterator[tuple[JsonPath, int, str]]:
    path: JsonPath = tuple(error.absolute_path)
    label = _label(tree.data, path)
    instance: Any = error.instance
    kind: Any = error.validator
    expected: Any = error.validator_value
    if kind == "required":
        for name in expected:
            if isinstance(instance, dict) and name not in instance:
                yield path, tree.line(path), _missing(tree.data, path, name)
    elif kind == "additionalProperties":
        yield from _unknown_fields(error, path, tree)
    elif kind == "enum":
        options = [str(option) for option in expected]
        near = closest(instance, options, limit=1, spread=0.1) if isinstance(instance, str) else []
        hint = f' (did you mean "{near[0]}"?)' if near else ""
        message = f"{label}: unknown {show(instance)}{hint}; expected one of {', '.join(options)}"
        yield path, tree.value_line(path), message
    elif kind == "const":
        yield (
            path,
            tree.value_line(path),
            f"{label} must be {show(expected)}, not {show(instance)}",
        )
    elif kind == "type":
        yield path, tree.value_line(path), type_message(error, path, label, tree)
    elif kind == "pattern":
        yield path, tree.value_line(path), _pattern_message(error, label)
    elif kind in ("minLength", "minItems"):
        empty = (
            "has no citation: give at least one {section, text}"
            if path[-1:] == ("cite",)
            else "is empty"
        )
        yield path, tree.value_line(path), f"{label} {empty}"
    elif kind in ("maxLength", "maxItems"):
        unit = "characters" if kind == "maxLength" else "items"
        yield path, tree.value_line(path), f"{label} is too long: at most {expected} {unit}"
    elif kind == "minProperties":
        message = (
            f"{label} changes nothing: give the fields to change beside its id "
            "(name, aliases, description, facts, kind, …)"
        )
        yield path, tree.value_line(path), message
    elif kind == "anyOf" and path == ("basis",):
        message = (
            "basis: give the document and its section (document: A/46/11, section: III.B.1), "
            "or the decision it rests on (decision: DG Office Instruction 12/2026), or both"
        )
        yield path, tree.line(path), message
    else:
        yield path, tree.value_line(path), f"{label}: {error.message}"


def _operation(data: Any, path: JsonPath) -> str | None:
    """``operation 2 (add-edge)`` when ``path`` lies in an operation."""
    if len(path) < 2 or path[0] != "operations" or not isinstance(path[1], int):
        return None
    operations = data.get("operations")
    item = operations[path[1]] if isinstance(operations, list) else None
    op = item.get("op") if isinstance(item, dict) else None
    kind = f" ({op})" if isinstance(op, str) and len(op) <= QUOTED else ""
    return f"operation {path[1] + 1}{kind}"


def _label(data: Any, path: JsonPath) -> str:
    """``path`` for a message: ``basis.section``, ``operation 2 (add-edge): edge.cite``."""
    operation = _operation(data, path)
    relative = path[2:] if operation is not None else path
    text = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in relative)
    text = text.lstrip(".")
    if operation is None:
        return text or "the change set"
    return f"{operation}: {text}" if text else operation


def _missing(data: Any, path: JsonPath, name: str) -> str:
    if path == ():
        return f'missing required "{name}": a change set gives {_TOP_LEVEL}'
    if name == "cite" and path[-1:] == ("edge",):
        return (
            f'{_label(data, path)} has no citation: add "cite" with at least one {{section, text}}'
        )
    if name == "en":
        return f'{_label(data, path)} has no English text: add "en"'
    return f'{_label(data, path)}: missing required "{name}"'


def _unknown_fields(
    error: ValidationError, path: JsonPath, tree: Tree
) -> Iterator[tuple[JsonPath, int, str]]:
    schema: Any = error.schema
    instance: Any = error.instance
    known = [key for key in schema.get("properties", {}) if key != "op"]
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    label = _label(tree.data, path)
    for key in instance:
        if key in known or key == "op" or any(p.search(key) for p in patterns):
            continue
        if patterns:
            message = f"{label}: {show(key)} is not a language code; use one like en or zh"
        else:
            near = closest(key, known, limit=1, spread=0.1)
            hint = f' (did you mean "{near[0]}"?)' if near else ""
            message = f"{label}: unknown field {show(key)}{hint}; expected {', '.join(known)}"
        yield (*path, key), tree.line((*path, key)), message


def _pattern_message(error: ValidationError, label: str) -> str:
    return pattern_message(
        error,
        label,
        {
            _ID_PATTERN: 'is not a valid id; use lower-case words joined by "-"',
            _DATE_PATTERN.pattern: "is not a date; write it as YYYY-MM-DD",
        },
    )


# --- what the schema cannot say ----------------------------------------------------------


def _date_problems(tree: Tree) -> list[tuple[int, str]]:
    """Days that do not exist (``2027-02-30``), and a ``valid_to`` before its
    ``valid_from``: the schema checks only how a day is written."""
    found: list[tuple[int, str]] = []

    def walk(value: Any, path: JsonPath) -> None:
        if isinstance(value, dict):
            days = {}
            for key, member in value.items():
                where = (*path, key)
                if key in _DATE_KEYS and isinstance(member, str) and _DATE_PATTERN.match(member):
                    try:
                        days[key] = parse_day(member)
                    except ValueError as error:
                        found.append(
                            (tree.value_line(where), f"{_label(tree.data, where)}: {error}")
                        )
                walk(member, where)
            start, end = days.get("valid_from"), days.get("valid_to")
            if start is not None and end is not None and end < start:
                where = (*path, "valid_to")
                message = f"{_label(tree.data, where)} {end} is before valid_from {start}"
                found.append((tree.value_line(where), message))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(tree.data, ())
    return found
