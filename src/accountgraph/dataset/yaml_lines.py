"""YAML to plain values, remembering the line of every value and mapping key.

PyYAML's ``safe_load`` forgets where things were, turns ``2008-12-12`` into a date and
silently keeps the last of two equal keys. Here the node tree is composed within bounds
(:mod:`accountgraph.dataset.yaml_compose`) and walked by hand instead, so a validator can point
at lines and see duplicate keys. Only what a dataset can hold comes out: text, whole
numbers a graph database stores (64 bits), finite numbers, true/false, nothing, lists and
mappings; any other tag or value is an :class:`Issue` at its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

from accountgraph.dataset.yaml_compose import YamlReadError, compose_document
from accountgraph.errors import Problem

__all__ = ["Issue", "JsonPath", "Tree", "YamlReadError", "read_mapping", "read_yaml"]

JsonPath = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_MAP = _YAML + "map"
_SEQ = _YAML + "seq"
_MERGE = _YAML + "merge"
_STR = _YAML + "str"
_NULL = _YAML + "null"
_BOOL = _YAML + "bool"
_INT = _YAML + "int"
_FLOAT = _YAML + "float"
_KEY_TAGS = frozenset((_STR, _NULL, _BOOL, _INT, _FLOAT))
_INT_RANGE = range(-(2**63), 2**63)
_LONGEST_NUMBER = 100
"""Characters a whole number may be written with: more cannot be within 64 bits, and
converting very long ones is slow (or refused by Python)."""
_ESCAPED = Reader.NON_PRINTABLE
"""What the YAML reader refuses in the text, which a double-quoted escape can still write."""
_HOLDS = "a dataset holds text, numbers, true/false, lists and mappings"


@dataclass(frozen=True, slots=True)
class Issue:
    """Something wrong in the YAML itself, at ``path`` (the value it concerns)."""

    path: JsonPath
    line: int
    message: str


@dataclass(slots=True)
class Tree:
    """Plain data (dicts, lists, scalars) and the nodes each path came from."""

    data: Any
    values: dict[JsonPath, Node] = field(default_factory=dict)
    keys: dict[JsonPath, Node] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    refused: set[JsonPath] = field(default_factory=set)
    """Paths of the values the reader refused (a tag, a number, an escape): their issue
    says what is wrong with them, so the checks say nothing more about them."""

    def line(self, path: JsonPath) -> int:
        """Where to point for ``path``: its key if it is a mapping member, else its value.

        A path that is not in the tree (a missing member) points at its nearest ancestor.
        """
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            node = self.keys.get(prefix) if prefix and isinstance(prefix[-1], str) else None
            node = node or self.values.get(prefix)
            if node is not None:
                return _line(node)
        return 1

    def value_line(self, path: JsonPath) -> int:
        node = self.values.get(path)
        return self.line(path) if node is None else _line(node)

    def source(self, path: JsonPath) -> str | None:
        """The text a scalar was written as, e.g. ``1.10`` for what YAML read as 1.1."""
        node = self.values.get(path)
        return node.value if isinstance(node, ScalarNode) else None


def _line(node: Node) -> int:
    mark = node.start_mark
    return 1 if mark is None else mark.line + 1


def read_yaml(text: str) -> Tree | None:
    """Read ``text`` into a :class:`Tree`; ``None`` if it holds no document at all.

    Raises :class:`YamlReadError` if the text is not YAML or goes past a bound.
    """
    root = compose_document(text)
    if root is None:
        return None
    tree = Tree(data=None)
    tree.data = _Walker(tree).plain(root, ())
    return tree


def read_mapping(text: str, filename: str, expected: str) -> tuple[Tree | None, list[Problem]]:
    """``text``, the file ``filename`` names, read into a :class:`Tree` whose top is a
    mapping, and no problem; else ``None`` and the problem: not YAML, empty, or something
    other than a mapping of ``expected`` (e.g. ``"parties and edges"``) at the top."""
    try:
        tree = read_yaml(text)
    except YamlReadError as error:
        return None, [Problem(filename, error.line, error.message)]
    if tree is None:
        return None, [Problem(filename, None, f"the file is empty; expected {expected}")]
    if not isinstance(tree.data, dict):
        message = f"expected a mapping with {expected} at the top of the file"
        return None, [Problem(filename, tree.value_line(()), message)]
    return tree, []


def _tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


def _clip(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text):,} characters)"


def _escaped(node: ScalarNode) -> str | None:
    """What is wrong with what a double-quoted scalar's escapes wrote, if anything."""
    found = _ESCAPED.search(node.value) if node.style == '"' else None
    if found is None:
        return None
    return (
        f"the text holds U+{ord(found.group()):04X}, written as an escape: a dataset's text "
        "cannot hold control characters or unpaired surrogates"
    )


class _Walker:
    """Turns nodes into plain values; aliases are expanded here, within the composer's bounds."""

    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self._constructor = SafeConstructor()

    def _issue(self, path: JsonPath, node: Node, message: str) -> None:
        self._tree.issues.append(Issue(path, _line(node), message))

    def _refuse(self, path: JsonPath, node: Node, message: str) -> None:
        """An issue with the value at ``path`` itself, which no other check need repeat."""
        self._issue(path, node, message)
        self._tree.refused.add(path)

    def plain(self, node: Node, path: JsonPath) -> Any:
        self._tree.values[path] = node
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self._refuse(path, node, f"the YAML tag {_tag(node.tag)} is not allowed: {_HOLDS}")
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self._refuse(path, node, f"the YAML tag {_tag(node.tag)} is not allowed: {_HOLDS}")
            return [self.plain(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _scalar(self, node: ScalarNode, path: JsonPath) -> Any:
        text: str = node.value
        escaped = _escaped(node)
        if escaped is not None:
            self._refuse(path, node, escaped)
            return None
        if node.tag == _STR:
            return text
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL:
            value = SafeConstructor.bool_values.get(text.lower())
            if value is None:
                self._refuse(path, node, f'"{_clip(text)}" is not true or false')
            return value
        if node.tag == _INT:
            return self._integer(node, path)
        if node.tag == _FLOAT:
            return self._float(node, path)
        self._refuse(path, node, f"the YAML tag {_tag(node.tag)} is not allowed: {_HOLDS}")
        return None

    def _integer(self, node: ScalarNode, path: JsonPath) -> int | None:
        text: str = node.value
        quote = f'put it in quotes if it is text: "{_clip(text)}"'
        if len(text) > _LONGEST_NUMBER:
            message = f"a whole number written with {len(text):,} characters is too long; {quote}"
            self._refuse(path, node, message)
            return None
        try:
            value: int = self._constructor.construct_yaml_int(node)
        except (ValueError, IndexError):
            self._refuse(path, node, f'"{_clip(text)}" is not a whole number')
            return None
        if value not in _INT_RANGE:
            message = (
                f"{text} is too large a whole number: a graph database stores "
                f"{_INT_RANGE.start:,} to {_INT_RANGE.stop - 1:,}; {quote}"
            )
            self._refuse(path, node, message)
            return None
        return value

    def _float(self, node: ScalarNode, path: JsonPath) -> float | None:
        text: str = node.value
        try:
            value: float = self._constructor.construct_yaml_float(node)
        except (ValueError, IndexError):
            self._refuse(path, node, f'"{_clip(text)}" is not a number')
            return None
        if math.isfinite(value):
            return value
        if math.isnan(value):
            what = "is not a number (NaN)"
        elif text.lstrip("+-").lower() == ".inf":
            what = "is infinite"
        else:
            what = "is too large a number (beyond ±1.8e308)"
        message = (
            f"{_clip(text)} {what}: a dataset's numbers are finite; put it in quotes if it is text"
        )
        self._refuse(path, node, message)
        return None

    def _mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._issue(path, key_node, "a key must be a plain word, not a list or mapping")
                continue
            if key_node.tag == _MERGE:
                self._issue(path, key_node, "YAML merge keys (<<) are not supported")
                continue
            if key_node.tag not in _KEY_TAGS:
                message = f"the YAML tag {_tag(key_node.tag)} is not allowed on a key: {_HOLDS}"
                self._issue(path, key_node, message)
                continue
            escaped = _escaped(key_node)
            if escaped is not None:
                self._issue(path, key_node, escaped)
                continue
            # Keys are taken as written: a language code "no" must not become False.
            key: str = key_node.value
            member = (*path, key)
            if key in result:
                first = _line(self._tree.keys[member])
                self._issue(
                    member, key_node, f'duplicate key "{_clip(key)}" (first at line {first})'
                )
                continue
            self._tree.keys[member] = key_node
            result[key] = self.plain(value_node, member)
        return result
