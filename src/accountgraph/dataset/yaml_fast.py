"""Dataset YAML read by libyaml's C parser, item by item, straight into the model.

The careful reader (:mod:`.yaml_lines`) composes the whole file into nodes that remember
their lines: tens of bytes of nodes for every byte of YAML, in pure Python. This reader
takes libyaml's events one by one and builds the plain value of one party, edge or
responsibility at a time, which it hands to a :class:`~.build.DatasetBuilder` and
forgets; nothing remembers a line. It holds the careful reader's bounds (nesting, what
aliases add, anchors defined twice) with the same counts, and reads values as it does
(dates stay text; text, 64-bit whole numbers, finite numbers, true/false, nothing). At
anything it does not vouch for — a tag, a merge key, a key written twice, an escape that
writes a control character, a number out of range, libyaml's own complaint — it raises
:class:`~.build.FastPathDoubt` and the careful reader reads the file again, which finds
what is wrong and where, or that nothing is.

This needs PyYAML built with libyaml (:data:`AVAILABLE`); without it every file takes
the careful path. libyaml's parser keeps its own stacks, and the nesting bound is counted
here on its events, so no recursion follows a hostile file's depth.
"""

from __future__ import annotations

import io
import math
from collections.abc import Container
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.reader import Reader

from accountgraph.dataset.build import HEAD_KEYS, ITEM_SECTIONS, DatasetBuilder, FastPathDoubt
from accountgraph.dataset.yaml_compose import ALIAS_FLOOR, ALIAS_RATIO, MAX_DEPTH, Loader

_YAML = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (
    _YAML + name for name in ("str", "null", "bool", "int", "float")
)
_MAP, _SEQ = _YAML + "map", _YAML + "seq"
_RESOLVERS: dict[str, list[tuple[str, Any]]] = dict(Loader.yaml_implicit_resolvers)
_ESCAPED = Reader.NON_PRINTABLE
_INT_RANGE = range(-(2**63), 2**63)
_LONGEST_NUMBER = 100
_BOOLS: dict[str, bool] = SafeConstructor.bool_values
_OPEN = object()
"""An anchor whose collection is still being read."""


try:
    from yaml._yaml import CParser as _CParser

    CParser: type[_CParser] | None = _CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None


AVAILABLE = CParser is not None
"""Whether the fast reader can run here: PyYAML was built with libyaml."""


def read_fast(text: str | bytes | io.RawIOBase, builder: DatasetBuilder) -> None:
    """Hand every part of the dataset YAML ``text`` (or its UTF-8 bytes, or a stream of
    them) to ``builder``.

    Raises :class:`~.build.FastPathDoubt` at anything the careful reader must look at.
    """
    if CParser is None:
        raise FastPathDoubt
    parser = CParser(text)
    try:
        _Reader(parser.get_event, builder).document()
    except yaml.YAMLError:
        raise FastPathDoubt from None
    finally:
        parser.dispose()


class _Reader:
    def __init__(self, get_event: Any, builder: DatasetBuilder) -> None:
        self._get = get_event
        self._builder = builder
        self._count = 0
        """Values written out so far: scalars (keys too) and lists and mappings."""
        self._added = 0
        """Values aliases added so far."""
        self._anchors: dict[str, Any] = {}
        self._anchor_values: dict[str, int] = {}
        self._heights: dict[str, int] = {}

    def document(self) -> None:
        get, builder = self._get, self._builder
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            raise FastPathDoubt
        root = get()
        if type(root) is not MappingStartEvent or root.anchor is not None:
            raise FastPathDoubt
        if root.tag not in (None, "!", _MAP):
            raise FastPathDoubt
        self._count += 1
        keys: set[str] = set()
        while True:
            event = get()
            if type(event) is MappingEndEvent:
                break
            key = self._key(event, keys)
            keys.add(key)
            if key in ITEM_SECTIONS:
                self._items(key)
            elif key in HEAD_KEYS:
                builder.head(key, self._value(get(), 1))
            else:
                raise FastPathDoubt
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise FastPathDoubt

    def _items(self, section: str) -> None:
        get, builder = self._get, self._builder
        start = get()
        if type(start) is not SequenceStartEvent or start.anchor is not None:
            raise FastPathDoubt
        if start.tag not in (None, "!", _SEQ):
            raise FastPathDoubt
        self._count += 1
        builder.start(section)
        add = builder.add
        while True:
            event = get()
            if type(event) is SequenceEndEvent:
                builder.end(section)
                return
            add(section, self._value(event, 2))

    def _key(self, event: Any, keys: Container[str]) -> str:
        """A mapping key as the careful reader takes it, the text as written; ``keys`` are
        those its mapping had before."""
        if type(event) is not ScalarEvent or event.anchor is not None or event.tag is not None:
            raise FastPathDoubt
        key: str = event.value
        style = event.style
        if not style:  # plain (libyaml says "", PyYAML None)
            if key == "<<" or key == "=":  # a merge key; YAML's !!value
                raise FastPathDoubt
        elif style == '"' and _ESCAPED.search(key):
            raise FastPathDoubt
        if key in keys:
            raise FastPathDoubt
        self._count += 1
        return key

    def _value(self, event: Any, depth: int) -> Any:
        """The plain value that starts with ``event``, at ``depth`` lists and mappings
        deep; every event of it is read, and no more."""
        get = self._get
        # The lists and mappings open around the event: [the list or dict, the key whose
        # value comes next (a dict's), its anchor, the values before it].
        stack: list[list[Any]] = []
        while True:
            kind = type(event)
            if kind is ScalarEvent:
                value = event.value
                style = event.style
                unusual = event.anchor is not None or event.tag is not None
                if unusual or (not style and value[:1] in _RESOLVERS):
                    value = self._scalar(event)
                elif style == '"' and _ESCAPED.search(value):
                    raise FastPathDoubt
                else:
                    self._count += 1
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if depth + len(stack) >= MAX_DEPTH:
                    raise FastPathDoubt
                is_map = kind is MappingStartEvent
                if event.tag is not None and event.tag not in ("!", _MAP if is_map else _SEQ):
                    raise FastPathDoubt
                self._count += 1
                anchor = event.anchor
                if anchor is not None:
                    self._open_anchor(anchor)
                frame = [{} if is_map else [], None, anchor, self._count + self._added - 1]
                stack.append(frame)
                event = get()
                if is_map and type(event) is not MappingEndEvent:
                    frame[1] = self._key(event, ())
                    event = get()
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = frame[0]
                if frame[2] is not None:
                    self._close_anchor(frame[2], value, frame[3])
            elif kind is AliasEvent:
                value = self._alias(event, depth + len(stack))
            else:
                raise FastPathDoubt
            if not stack:
                return value
            frame = stack[-1]
            container = frame[0]
            event = get()
            if frame[1] is None:
                container.append(value)
            else:
                container[frame[1]] = value
                if type(event) is not MappingEndEvent:
                    frame[1] = self._key(event, container)
                    event = get()

    def _scalar(self, event: Any) -> Any:
        """A scalar with an anchor or a tag, or a plain one YAML may read as other than
        text."""
        text: str = event.value
        self._count += 1
        if event.anchor is not None:
            self._open_anchor(event.anchor)
        if event.style == '"' and _ESCAPED.search(text):
            raise FastPathDoubt
        tag = event.tag
        if tag is None or tag == "!":
            tag = _STR
            if event.implicit[0]:
                for candidate, pattern in _RESOLVERS.get(text[:1], ()):
                    if pattern.match(text):
                        tag = candidate
                        break
        value = _plain(tag, text)
        if event.anchor is not None:
            self._anchors[event.anchor] = value
            self._anchor_values[event.anchor] = 1
            self._heights[event.anchor] = 0
        return value

    def _open_anchor(self, anchor: str) -> None:
        if anchor in self._anchors:
            raise FastPathDoubt
        self._anchors[anchor] = _OPEN

    def _close_anchor(self, anchor: str, value: Any, values_before: int) -> None:
        self._anchors[anchor] = value
        self._anchor_values[anchor] = self._count + self._added - values_before

    def _alias(self, event: Any, depth: int) -> Any:
        name = event.anchor
        value = self._anchors.get(name, _OPEN)
        if value is _OPEN:  # undefined, or refers to a value that contains it
            raise FastPathDoubt
        height = self._heights.get(name)
        if height is None:
            height = self._heights[name] = _height(value)
        if depth + height > MAX_DEPTH:
            raise FastPathDoubt
        self._added += self._anchor_values[name]
        if self._added > max(ALIAS_FLOOR, ALIAS_RATIO * self._count):
            raise FastPathDoubt
        return value


def _plain(tag: str, text: str) -> Any:
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        value = _BOOLS.get(text.lower())
        if value is None:
            raise FastPathDoubt
        return value
    if tag == _INT and len(text) <= _LONGEST_NUMBER:
        try:
            number: int = SafeConstructor().construct_yaml_int(ScalarNode(tag, text))
        except (ValueError, IndexError):
            raise FastPathDoubt from None
        if number in _INT_RANGE:
            return number
    if tag == _FLOAT:
        try:
            real: float = SafeConstructor().construct_yaml_float(ScalarNode(tag, text))
        except (ValueError, IndexError):
            raise FastPathDoubt from None
        if math.isfinite(real):
            return real
    raise FastPathDoubt


def _height(value: Any) -> int:
    """How many lists and mappings deep ``value`` is (a text is 0)."""
    if isinstance(value, dict):
        return 1 + max((_height(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_height(item) for item in value), default=0)
    return 0
