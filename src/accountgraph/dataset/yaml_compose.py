"""YAML text to PyYAML's node tree, within bounds and without recursion.

PyYAML's own composer recurses once per level of nesting (5,000 ``[`` end in a
RecursionError) and keeps an alias as a second reference to its anchor's node, which any
walk of the tree then expands: ten levels of ten aliases (the "billion laughs") are ten
billion values written in a few hundred bytes. This composer builds the same nodes from
the parser's events, one event at a time, and stops at the first event past a bound,
before anything is expanded:

- lists and mappings nested more than :data:`MAX_DEPTH` deep, counting the nesting an
  alias brings where it is used;
- aliases that add more values than :data:`ALIAS_FLOOR`, or :data:`ALIAS_RATIO` values for
  every value the file writes out, whichever allows more. A file that uses anchors to
  share citations stays far below; an alias bomb crosses it within a few lines, and the
  walk after composing stays linear in the size of the file.

The bounds are counted on parser events, so they hold the same over PyYAML's Python
parser and libyaml's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, cast

import yaml
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver

MAX_DEPTH = 64
"""Most lists and mappings nested in each other; a dataset needs fewer than ten."""
ALIAS_RATIO = 10
ALIAS_FLOOR = 100_000

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Loader(yaml.SafeLoader):
    """The safe loader's parser and resolver, leaving dates as the strings they were."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    _CLoader: type[CParser] | None = None
else:

    class _LibyamlLoader(CParser, Resolver):
        """libyaml's parser with :class:`Loader`'s resolver."""

        yaml_implicit_resolvers = Loader.yaml_implicit_resolvers

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Resolver.__init__(self)

    _CLoader = _LibyamlLoader


class _Events(Protocol):
    """What the composer uses of a loader: its parser's events and its resolver."""

    def get_event(self) -> Event: ...

    def check_event(self, *choices: type[Event]) -> bool: ...

    def resolve(self, kind: type[Node], value: str | None, implicit: Any) -> str: ...


class YamlReadError(Exception):
    """The text is not YAML, or goes past a bound; ``line`` is 1-based when known."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


def compose_document(text: str) -> Node | None:
    """The node tree of the one document in ``text``; ``None`` if it holds no document.

    Raises :class:`YamlReadError` if the text is not YAML or goes past a bound.

    The events come from libyaml when PyYAML has it (several times faster), and from
    PyYAML's own parser when libyaml finds the text is not YAML, so that what is wrong is
    said in PyYAML's words, as ever; both parsers mark the same lines.
    """
    if _CLoader is not None and not Reader.NON_PRINTABLE.search(text):
        c_loader = _CLoader(text)
        try:
            return _Composer(cast(_Events, c_loader), len(text)).document()
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's words
        finally:
            c_loader.dispose()
    try:
        loader = Loader(text)
    except ReaderError as error:
        code: int = error.character  # PyYAML gives the code point for text input
        message = f"invalid YAML: character U+{code:04X} is not allowed"
        raise YamlReadError(text.count("\n", 0, error.position) + 1, message) from None
    try:
        return _Composer(loader, len(text)).document()
    except yaml.YAMLError as error:
        raise YamlReadError(*syntax_message(error, len(text))) from None
    finally:
        loader.dispose()


def syntax_message(error: yaml.YAMLError, length: int) -> tuple[int | None, str]:
    """A YAML error in a text of ``length`` characters as a line and one readable sentence,
    without PyYAML's source excerpt."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return None, f"invalid YAML: {error}"
    problem = error.problem or error.context or "cannot be read"
    message = "invalid YAML: " + problem.removeprefix("but ")
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {_mark_line(error.context_mark, length)})"
    mark = error.problem_mark or error.context_mark
    return (None if mark is None else _mark_line(mark, length)), message


def _mark_line(mark: Mark, length: int) -> int:
    """The 1-based line of ``mark``; the end of a text that ends with a line break is on
    its last line, not on the empty one PyYAML counts after it."""
    line = mark.line + 1
    return line - 1 if mark.index >= length and mark.column == 0 and line > 1 else line


def _start(event: Event) -> Mark | None:
    # libyaml's marks are typed apart from PyYAML's, but they are alike.
    return cast("Mark | None", event.start_mark)


def _end(event: Event) -> Mark | None:
    return cast("Mark | None", event.end_mark)


def _line(event: Event) -> int:
    mark = _start(event)
    return 1 if mark is None else mark.line + 1


@dataclass(frozen=True, slots=True)
class _Anchored:
    """An anchor's node with what using it by an alias adds: values and nesting."""

    node: Node
    values: int
    height: int


@dataclass(slots=True)
class _Open:
    """A list or mapping whose end the parser has not reached yet."""

    node: SequenceNode | MappingNode
    anchor: str | None
    values_before: int
    height: int = 0
    key: Node | None = None


class _Composer:
    def __init__(self, loader: Loader | _Events, length: int) -> None:
        self._loader = cast(_Events, loader)
        self._length = length
        self._anchors: dict[str, _Anchored | None] = {}
        """``None`` while the anchored node is still open."""
        self._anchor_lines: dict[str, int] = {}
        self._written = 0
        self._expanded = 0

    def document(self) -> Node | None:
        loader = self._loader
        loader.get_event()  # the stream's start
        if loader.check_event(StreamEndEvent):
            return None
        start = loader.get_event()
        root = self._tree()
        loader.get_event()  # the document's end
        if not loader.check_event(StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                _start(start),
                "but found another document",
                _start(event),
            )
        return root

    def _tree(self) -> Node:
        stack: list[_Open] = []
        while True:
            event = self._loader.get_event()
            if isinstance(event, SequenceEndEvent | MappingEndEvent):
                done = stack.pop()
                node: Node = done.node
                node.end_mark = _end(event)
                height = done.height + 1
                if done.anchor is not None:
                    values = self._expanded - done.values_before
                    self._anchors[done.anchor] = _Anchored(node, values, height)
            elif isinstance(event, AliasEvent):
                node, height = self._alias(event, len(stack))
            elif isinstance(event, ScalarEvent):
                self._new_value(event)
                node, height = self._scalar(event), 0
                if event.anchor is not None:
                    self._anchors[event.anchor] = _Anchored(node, 1, 0)
            elif isinstance(event, CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlReadError(_line(event), _too_deep())
                self._new_value(event)
                stack.append(_Open(self._collection(event), event.anchor, self._expanded - 1))
                continue
            else:
                raise yaml.composer.ComposerError(
                    None, None, f"found unexpected {type(event).__name__}", _start(event)
                )
            if not stack:
                return node
            parent = stack[-1]
            parent.height = max(parent.height, height)
            if isinstance(parent.node, SequenceNode):
                parent.node.value.append(node)
            elif parent.key is None:
                parent.key = node
            else:
                parent.node.value.append((parent.key, node))
                parent.key = None

    def _new_value(self, event: NodeEvent) -> None:
        self._written += 1
        self._expanded += 1
        anchor = event.anchor
        if anchor is None:
            return
        if anchor in self._anchor_lines:
            first = self._anchor_lines[anchor]
            message = f"the anchor &{anchor} is defined twice (first at line {first})"
            raise YamlReadError(_line(event), message)
        self._anchor_lines[anchor] = _line(event)
        self._anchors[anchor] = None

    def _scalar(self, event: ScalarEvent) -> ScalarNode:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._loader.resolve(ScalarNode, event.value, event.implicit)
        start = self._node_start(event)
        return ScalarNode(tag, event.value, start, _end(event), style=event.style)

    def _collection(self, event: CollectionStartEvent) -> SequenceNode | MappingNode:
        kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._loader.resolve(kind, None, event.implicit)
        return kind(tag, [], self._node_start(event), None, flow_style=event.flow_style)

    def _node_start(self, event: NodeEvent) -> Mark | None:
        """Where a node starts; an empty value at the very end of a text that ends with a
        line break is on its last line, not on the empty one PyYAML counts after it."""
        mark = _start(event)
        if mark is None or mark.index < self._length or mark.column or not mark.line:
            return mark
        return Mark(mark.name, mark.index, mark.line - 1, 0, mark.buffer, mark.pointer)

    def _alias(self, event: AliasEvent, depth: int) -> tuple[Node, int]:
        name = event.anchor
        if name not in self._anchors:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {name!r}", _start(event)
            )
        anchored = self._anchors[name]
        if anchored is None:
            message = f"the alias *{name} refers to a value that contains it"
            raise YamlReadError(_line(event), message)
        if depth + anchored.height > MAX_DEPTH:
            raise YamlReadError(_line(event), _too_deep(f" where the alias *{name} puts it"))
        self._expanded += anchored.values
        added = self._expanded - self._written
        allowed = max(ALIAS_FLOOR, ALIAS_RATIO * self._written)
        if added > allowed:
            message = (
                f"aliases add too many values: by *{name} they add {added:,} to the "
                f"{self._written:,} the file writes out; they may add {ALIAS_FLOOR:,}, or "
                f"{ALIAS_RATIO} for every value written out if that is more. An alias bomb? "
                "Write the shared values out instead"
            )
            raise YamlReadError(_line(event), message)
        return anchored.node, anchored.height


def _too_deep(where: str = "") -> str:
    return (
        f"lists and mappings nested more than {MAX_DEPTH} levels deep{where}; "
        "a dataset needs fewer than 10"
    )
