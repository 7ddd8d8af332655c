"""YAML to plain values, remembering the line of every value and mapping key.

PyYAML's ``safe_load`` forgets where things were, turns ``2008-12-12`` into a date and
silently keeps the last of two equal keys. Here the node tree is composed and walked by
hand instead, so a validator can point at lines and see duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

JsonPath = tuple[str | int, ...]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as the strings they were written as."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` is 1-based when PyYAML knew where it broke."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


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


def syntax_message(error: yaml.YAMLError) -> tuple[int | None, str]:
    """A YAML error as a line and one readable sentence, without PyYAML's source excerpt."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return None, f"invalid YAML: {error}"
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "cannot be read"
    message = "invalid YAML: " + problem.removeprefix("but ")
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return (None if mark is None else mark.line + 1), message


def compose(text: str) -> Tree | None:
    """Read ``text`` into a :class:`Tree`; ``None`` if it holds no document at all.

    Raises :class:`YamlSyntaxError` if the text is not YAML.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except ReaderError as error:
        code: int = error.character  # PyYAML gives the code point for text input
        message = f"invalid YAML: character U+{code:04X} is not allowed"
        raise YamlSyntaxError(text.count("\n", 0, error.position) + 1, message) from None
    except yaml.YAMLError as error:
        line, message = syntax_message(error)
        if line is not None:
            # At the end of the stream PyYAML points one past the last line.
            line = min(line, max(1, len(text.splitlines())))
        raise YamlSyntaxError(line, message) from None
    if root is None:
        return None
    tree = Tree(data=None)
    tree.data = _Walker(tree).plain(root, (), frozenset())
    return tree


class _Walker:
    def __init__(self, tree: Tree) -> None:
        self._tree = tree
        self._constructor = SafeConstructor()

    def _issue(self, path: JsonPath, node: Node, message: str) -> None:
        self._tree.issues.append(Issue(path, _line(node), message))

    def plain(self, node: Node, path: JsonPath, open_nodes: frozenset[int]) -> Any:
        self._tree.values[path] = node
        if id(node) in open_nodes:
            self._issue(path, node, "invalid YAML: an alias refers to a value that contains it")
            return None
        inside = open_nodes | {id(node)}
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self._issue(path, node, f"unsupported YAML tag {node.tag}")
            return self._mapping(node, path, inside)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self._issue(path, node, f"unsupported YAML tag {node.tag}")
            return [self.plain(item, (*path, i), inside) for i, item in enumerate(node.value)]
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self._issue(path, node, syntax_message(error)[1])
            return None

    def _mapping(self, node: MappingNode, path: JsonPath, inside: frozenset[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._issue(path, key_node, "a key must be a plain word, not a list or mapping")
                continue
            if key_node.tag == _MERGE:
                self._issue(path, key_node, "YAML merge keys (<<) are not supported")
                continue
            # Keys are taken as written: a language code "no" must not become False.
            key: str = key_node.value
            member = (*path, key)
            if key in result:
                first = _line(self._tree.keys[member])
                self._issue(member, key_node, f'duplicate key "{key}" (first at line {first})')
                continue
            self._tree.keys[member] = key_node
            result[key] = self.plain(value_node, member, inside)
        return result
