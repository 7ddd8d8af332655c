"""Everything that can be wrong with a dataset's content, as located, readable issues.

Two passes over the same plain data: the JSON Schema (structure) and the rules a schema
cannot say (ids that must exist, sections the document has, real dates). Both passes run
on every file and guard each rule, so a broken file reports all it can at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import Any, Protocol

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError

from accountgraph._resources import dataset_schema_path
from accountgraph.dataset.schema_messages import clip, pattern_message, show, type_message
from accountgraph.dataset.yaml_lines import Issue, JsonPath
from accountgraph.model import ALWAYS, Validity
from accountgraph.suggest import closest, name_key, pool_around

_ITEM_NOUNS = {"parties": "party", "edges": "edge", "responsibilities": "responsibility"}
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NO_CITATION = 'edge has no citation: add "cite" with at least one {section, text}'


class Located(Protocol):
    """Plain data and where each of its paths was written: a YAML file's
    :class:`~accountgraph.dataset.yaml_lines.Tree`, or the rows of bulk files."""

    data: Any
    issues: list[Issue]
    """What the reader found wrong before any check."""
    refused: set[JsonPath]
    """Paths whose values the reader refused: the checks say nothing more of them."""

    def line(self, path: JsonPath) -> int:
        """Where to point for ``path``: its key if it has one, else its value."""
        ...

    def value_line(self, path: JsonPath) -> int: ...

    def source(self, path: JsonPath) -> str | None:
        """The text a scalar was written as, when it may differ from the value read."""
        ...


@functools.cache
def dataset_schema() -> dict[str, Any]:
    """The format of a dataset file, ``graph/dataset.schema.json``, read once."""
    loaded: dict[str, Any] = json.loads(dataset_schema_path().read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(dataset_schema())


def check(
    tree: Located, *, allow_missing_holders: bool = False, enforce_rules: bool = True
) -> list[Issue]:
    """All schema and semantic issues of ``tree``, without repeats, in no set order; if
    it has none, the rules of the rule book (:mod:`accountgraph.rules`) it breaks, unless
    not ``enforce_rules``."""
    found: list[Issue] = []
    for error in schema_errors(tree.data):
        found.extend(_schema_issues(error, tree))
    found.extend(_Semantics(tree, allow_missing_holders=allow_missing_holders).issues())
    issues = tree.issues + [issue for issue in found if issue.path not in tree.refused]
    if not issues and enforce_rules:
        # Imported here: the rules need the model, and the module that builds it imports this one.
        from accountgraph.dataset.rule_issues import rule_issues

        return rule_issues(tree)
    return list(dict.fromkeys(issues))


def schema_errors(data: Any) -> Iterator[ValidationError]:
    """What jsonschema finds wrong with ``data``, as its ``iter_errors`` would.

    jsonschema takes a few hundred microseconds an item; a compiled validator
    (fastjsonschema) tells a valid item from an invalid one in a few, so jsonschema looks
    only at the items that compiled one refuses, and at the rest of the file."""
    if not isinstance(data, dict):
        yield from _validator().iter_errors(data)
        return
    lists = {name: data[name] for name in _ITEM_NOUNS if isinstance(data.get(name), list)}
    validator = _validator()
    yield from validator.iter_errors({**data, **{name: [] for name in lists}})
    for name, items in lists.items():
        conforms, schema = _item_validator(name), dataset_schema()["properties"][name]["items"]
        for index, item in enumerate(items):
            try:
                conforms(item)
                continue
            except fastjsonschema.JsonSchemaException:
                pass
            for error in validator.descend(item, schema, path=index):
                error.path.appendleft(name)
                yield error


@functools.cache
def _item_validator(name: str) -> Callable[[Any], Any]:
    """A compiled validator of one item of the list ``name``."""
    schema = dataset_schema()
    compiled: Callable[[Any], Any] = fastjsonschema.compile(
        {"$defs": schema["$defs"], **schema["properties"][name]["items"]}
    )
    return compiled


def subject(data: Any, path: JsonPath) -> str | None:
    """The id of the party, edge or responsibility ``path`` lies in, as people name it."""
    if not path:
        return None
    if path[0] == "document":
        return "document"
    if len(path) < 2 or path[0] not in _ITEM_NOUNS or not isinstance(path[1], int):
        return None
    item = _get(data, path[:2])
    number = f"{_ITEM_NOUNS[str(path[0])]} #{path[1] + 1}"
    if not isinstance(item, dict):
        return number
    if path[0] == "parties":
        return clip(item["id"]) if isinstance(item.get("id"), str) else number
    if path[0] == "responsibilities":
        return clip(item["code"]) if isinstance(item.get("code"), str) else number
    ends = [item.get(key) for key in ("from", "relation", "to")]
    source, relation, target = (clip(end) if isinstance(end, str) else "?" for end in ends)
    scope = item.get("scope")
    return f"{source} -{relation}-> {target}" + (f" ({scope})" if isinstance(scope, str) else "")


def _get(data: Any, path: JsonPath) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _label(path: JsonPath) -> str:
    """``path`` for a message: relative to its party/edge/responsibility, e.g. ``cite[0]``."""
    relative = path
    if len(path) >= 2 and path[0] in _ITEM_NOUNS and isinstance(path[1], int):
        relative = path[2:]
        if not relative:
            return _ITEM_NOUNS[str(path[0])]
    if not relative:
        return "the file"
    text = ""
    for step in relative:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text.lstrip(".")


def _where(path: JsonPath) -> str:
    """`` in facts[0]`` for a message, or nothing for the file or a whole item."""
    is_item = len(path) == 2 and path[0] in _ITEM_NOUNS
    return "" if not path or is_item else f" in {_label(path)}"


def _did_you_mean(candidates: list[str], template: str = "; did you mean {}?") -> str:
    if not candidates:
        return ""
    return template.format(" or ".join(f'"{c}"' for c in candidates))


def _schema_issues(error: ValidationError, tree: Located) -> Iterator[Issue]:
    path: JsonPath = tuple(error.absolute_path)
    label = _label(path)
    defs = dataset_schema()["$defs"]
    instance: Any = error.instance
    kind: Any = error.validator
    expected: Any = error.validator_value
    if kind == "required":
        is_edge = len(path) == 2 and path[0] == "edges"
        for name in (m for m in expected if isinstance(instance, dict) and m not in instance):
            if is_edge and name == "cite":
                message = _NO_CITATION
            elif name == "cite" and error.schema == defs["fact"]:
                fact = instance.get("name")
                named = f" {show(fact)}" if isinstance(fact, str) else ""
                message = f'fact{named} has no citation: add "cite" with {{section, text}}'
            elif name == "en" and error.schema == defs["text"]:
                message = f'{label} has no English text: add "en"'
            else:
                message = f'missing required "{name}"{_where(path)}'
            yield Issue(path, tree.line(path), message)
    elif kind == "additionalProperties":
        yield from _unknown_fields(error, path, tree)
    elif kind == "enum":
        name = str(path[-1]) if path else "value"
        options = [str(option) for option in expected]
        close = closest(instance, options, limit=1, spread=0.1) if isinstance(instance, str) else []
        hint = _did_you_mean(close, " (did you mean {}?)")
        message = f"unknown {name} {show(instance)}{hint}; expected one of {', '.join(options)}"
        yield Issue(path, tree.value_line(path), message)
    elif kind == "const":
        message = f"{label} must be {show(expected)}, not {show(instance)}"
        yield Issue(path, tree.value_line(path), message)
    elif kind == "type":
        yield Issue(path, tree.value_line(path), _type_message(error, path, tree))
    elif kind == "pattern":
        yield Issue(path, tree.value_line(path), _pattern_message(error, label, defs))
    elif kind == "maxLength":
        message = f"{label} is too long: {show(instance)}; at most {expected} characters"
        yield Issue(path, tree.value_line(path), message)
    elif kind in ("minLength", "minItems"):
        is_cite = len(path) == 3 and path[0] == "edges" and path[2] == "cite"
        message = _NO_CITATION if is_cite else f"{label} is empty"
        yield Issue(path, tree.value_line(path), message)
    elif kind == "uniqueItems":
        first: dict[str, int] = {}
        for index, item in enumerate(instance):
            line = tree.value_line((*path, index))
            key = json.dumps(item, sort_keys=True, default=str)
            if key in first:
                message = f"{label} lists {show(item)} twice (first at line {first[key]})"
                yield Issue((*path, index), line, message)
            first.setdefault(key, line)
    else:
        yield Issue(path, tree.value_line(path), f"{label}: {error.message}")


def _unknown_fields(error: ValidationError, path: JsonPath, tree: Located) -> Iterator[Issue]:
    subschema: Any = error.schema
    instance: Any = error.instance
    known = list(subschema.get("properties", {}))
    patterns = [re.compile(p) for p in subschema.get("patternProperties", {})]
    label = _label(path)
    for key in instance:
        if key in known or any(p.search(key) for p in patterns):
            continue
        if patterns:
            message = f"{label}: {show(key)} is not a language code; use one like en or zh"
        else:
            hint = _did_you_mean(closest(key, known, limit=1, spread=0.1), " (did you mean {}?)")
            message = (
                f"unknown field {show(key)}{_where(path)}{hint}; expected one of {', '.join(known)}"
            )
        yield Issue((*path, key), tree.line((*path, key)), message)


def _type_message(error: ValidationError, path: JsonPath, tree: Located) -> str:
    return type_message(error, path, _label(path), tree)


def _pattern_message(error: ValidationError, label: str, defs: dict[str, Any]) -> str:
    return pattern_message(
        error,
        label,
        {
            defs["id"]["pattern"]: 'is not a valid id; use lower-case words joined by "-"',
            defs["date"]["pattern"]: "is not a date; write it as YYYY-MM-DD",
            defs["fact"]["properties"]["name"]["pattern"]: (
                'is not a valid fact name; use lower_snake_case like "rank"'
            ),
        },
    )


class _Semantics:
    """The rules beyond the schema; each looks only at values of the right type."""

    def __init__(self, tree: Located, *, allow_missing_holders: bool = False) -> None:
        self._tree = tree
        self._allow_missing_holders = allow_missing_holders
        data = tree.data if isinstance(tree.data, dict) else {}
        self._data = data
        self._party_lines: dict[str, int] = {}
        self._aliases: dict[str, str] = {}
        self._sorted_ids: list[str] | None = None
        self._found: list[Issue] = []

    def issues(self) -> list[Issue]:
        self._parties()
        self._edges()
        self._responsibilities()
        self._sections()
        for path in self._dated_paths():
            self._validity(path)
        return self._found

    def _add(self, path: JsonPath, message: str) -> None:
        self._found.append(Issue(path, self._tree.value_line(path), message))

    def _items(self, name: str) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
        items = self._data.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield (name, index), item

    def _parties(self) -> None:
        for path, party in self._items("parties"):
            party_id = party.get("id")
            if not isinstance(party_id, str):
                continue
            line = self._tree.value_line((*path, "id"))
            if party_id in self._party_lines:
                first = self._party_lines[party_id]
                message = f"party id {show(party_id)} is defined twice, at lines {first} and {line}"
                self._add((*path, "id"), message)
            self._party_lines.setdefault(party_id, line)
            for alias in party.get("aliases") or []:
                if isinstance(alias, str):
                    self._aliases.setdefault(name_key(alias), party_id)

    def _known_party(self, path: JsonPath) -> None:
        party_id = _get(self._data, path)
        if not isinstance(party_id, str) or party_id in self._party_lines:
            return
        key = name_key(party_id)
        candidates = [self._aliases[key]] if key in self._aliases else []
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._party_lines)
        # Compared with the ids around it in sorted order, not all: linear in the file.
        nearby = pool_around(self._sorted_ids, bisect.bisect(self._sorted_ids, party_id))
        candidates += closest(party_id, nearby, cutoff=0.45, spread=0.1)
        hint = _did_you_mean(list(dict.fromkeys(candidates))[:3])
        self._add(path, f"{path[-1]}: no party {show(party_id)}{hint}")

    def _edges(self) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for path, edge in self._items("edges"):
            self._known_party((*path, "from"))
            self._known_party((*path, "to"))
            source, target = edge.get("from"), edge.get("to")
            if isinstance(source, str) and source == target:
                self._add((*path, "to"), f"edge from {show(source)} to itself")
            key = tuple(edge.get(name) for name in ("from", "relation", "to", "scope"))
            if not all(part is None or isinstance(part, str) for part in key):
                continue
            if key in seen:
                message = f"duplicate edge: same from, relation, to and scope as line {seen[key]}"
                self._add(path, message)
            seen.setdefault(key, self._tree.value_line(path))

    def _responsibilities(self) -> None:
        seen: dict[tuple[str, str], list[tuple[int, Validity]]] = {}
        for path, duty in self._items("responsibilities"):
            if not self._allow_missing_holders:
                self._known_party((*path, "holder"))
            code, holder = duty.get("code"), duty.get("holder")
            if not isinstance(code, str) or not isinstance(holder, str):
                continue
            days = _days_given(duty)
            if days is None:  # a date that is no day, said as such: compared with nothing
                continue
            line = self._tree.value_line((*path, "code"))
            # A duty may be laid on its holder again, on other days.
            earlier = seen.setdefault((code, holder), [])
            clash = next(((at, held) for at, held in earlier if days_overlap([held, days])), None)
            earlier.append((line, days))
            if clash is None:
                continue
            first, held = clash
            message = (
                f"responsibility {show(code)} of {show(holder)} is defined twice, "
                f"at lines {first} and {line}"
            )
            if held != ALWAYS or days != ALWAYS:
                message += (
                    f", on days they share ({_describe(held)} and {_describe(days)}): a duty "
                    "is laid on its holder again only after its valid_to"
                )
            self._add((*path, "code"), message)

    def _sections(self) -> None:
        document = self._data.get("document")
        if not isinstance(document, dict) or not isinstance(document.get("sections"), list):
            return
        sections = [s for s in document["sections"] if isinstance(s, str)]
        known = set(sections)
        symbol = document.get("symbol")
        for path in self._cited_sections(symbol):
            section = _get(self._data, path)
            if isinstance(section, str) and section not in known:
                hint = _did_you_mean(closest(section, sections, limit=2, spread=0.1))
                self._add(path, f"section {show(section)} is not in document.sections{hint}")

    def _cited_sections(self, symbol: Any) -> Iterator[JsonPath]:
        citations: list[JsonPath] = [
            ("document", "facts", i, "cite") for i in self._indexes(("document", "facts"))
        ]
        for path, _ in self._items("parties"):
            citations += [(*path, "facts", i, "cite") for i in self._indexes((*path, "facts"))]
        for path, _ in self._items("edges"):
            citations += [(*path, "cite", i) for i in self._indexes((*path, "cite"))]
        for path in citations:
            cite = _get(self._data, path)
            if isinstance(cite, dict) and cite.get("document", symbol) == symbol:
                yield (*path, "section")
        for path, _ in self._items("responsibilities"):
            yield (*path, "code")

    def _indexes(self, path: JsonPath) -> range:
        items = _get(self._data, path)
        return range(len(items) if isinstance(items, list) else 0)

    def _dated_paths(self) -> Iterator[JsonPath]:
        yield ("document",)
        for name in ("parties", "edges", "responsibilities"):
            for path, _ in self._items(name):
                yield path

    def _validity(self, path: JsonPath) -> None:
        days: dict[str, dt.date] = {}
        for name in ("date", "in_force", "valid_from", "valid_to"):
            value = _get(self._data, (*path, name))
            if not isinstance(value, str) or not _DATE_PATTERN.match(value):
                continue
            try:
                days[name] = dt.date.fromisoformat(value)
            except ValueError:
                self._add((*path, name), f"{_label((*path, name))}: {value} is not a real date")
        if "valid_from" in days and "valid_to" in days and days["valid_from"] > days["valid_to"]:
            start, end = days["valid_from"], days["valid_to"]
            self._add((*path, "valid_to"), f"valid_from {start} is after valid_to {end}")
        in_force = self._in_force()
        # A duty takes no day from in_force: it holds as long as its holder.
        takes_in_force = path[0] in ("parties", "edges")
        if takes_in_force and "valid_to" in days and in_force is not None:
            given = _get(self._data, (*path, "valid_from"))
            if given is None and days["valid_to"] < in_force:
                self._add(
                    (*path, "valid_to"),
                    f"valid_to {days['valid_to']} is before document.in_force {in_force}, "
                    "from which it would take part: give it a valid_from",
                )

    def _in_force(self) -> dt.date | None:
        value = _get(self._data, ("document", "in_force"))
        if not isinstance(value, str) or not _DATE_PATTERN.match(value):
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None


def _days_given(item: dict[str, Any]) -> Validity | None:
    """The ``valid_from`` and ``valid_to`` an item gives, as they are written (nothing
    taken from the document); ``None`` if either is not a day."""
    ends: list[dt.date | None] = []
    for name in ("valid_from", "valid_to"):
        value = item.get(name)
        if value is None:
            ends.append(None)
            continue
        if not isinstance(value, str) or not _DATE_PATTERN.match(value):
            return None
        try:
            ends.append(dt.date.fromisoformat(value))
        except ValueError:
            return None
    start, end = ends
    if start is not None and end is not None and start > end:
        return None
    return Validity(start, end)


def _describe(validity: Validity) -> str:
    start, end = validity.valid_from, validity.valid_to
    if start is None and end is None:
        return "without dates"
    if start is None:
        return f"to {end}"
    return f"from {start}" if end is None else f"{start} to {end}"


def days_overlap(validities: list[Validity]) -> bool:
    """Whether two of ``validities`` share a day."""
    ordered = sorted(validities, key=lambda v: v.valid_from or dt.date.min)
    for before, after in pairwise(ordered):
        end, start = before.valid_to, after.valid_from
        if end is None or start is None or start <= end:
            return True
    return False
