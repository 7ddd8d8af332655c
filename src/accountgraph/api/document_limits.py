"""How deep a GraphQL document nests, how many aliases and fragment spreads it uses, and
the validation rule that refuses one beyond the limits.

A document is walked once, as written; each fragment's measure is then computed once and
reused wherever the fragment is spread. Checking a document therefore takes time linear
in its size however its fragments multiply (``fragment A on Query { ...B ...B }
fragment B on Query { ...C ...C } …`` doubles the selections with every fragment and
costs one more line to measure). The rule runs in graphql-core's validation step, so its
verdict is cached with the document's validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
    Visitor,
    visit,
)

from accountgraph.settings import QueryLimits


@dataclass(frozen=True, slots=True)
class OperationShape:
    """One operation as it would run, with every fragment spread in place."""

    name: str | None
    depth: int
    """Fields nested inside one another: ``{ party { edges { to { id } } } }`` is 3 deep.
    Introspection (``__schema``, ``__type`` and all they select) counts none: the schema
    bounds it (the usual introspection query nests 14 deep), and its cost is priced."""
    aliases: int
    """Aliased fields, an alias inside a fragment counted each time the fragment is spread."""

    def describe(self) -> str:
        return "the query" if self.name is None else f'operation "{self.name}"'


@dataclass(frozen=True, slots=True)
class DocumentShape:
    """What :func:`measure` found in a document."""

    operations: tuple[OperationShape, ...]
    fragment_spreads: int
    """Fragment spreads as written (``...F`` twice is two)."""
    visits: int
    """Nodes looked at to measure it: linear in the document, whatever its fragments."""


def measure(document: DocumentNode) -> DocumentShape:
    """The shape of every operation in ``document``.

    Unknown fragments and fragment cycles count as empty (graphql-core's own rules report
    them).
    """
    walk = _Walk()
    visit(document, walk)
    fragments = _resolve(walk.fragments)
    operations = tuple(
        OperationShape(name, *_combine(part, fragments)) for name, part in walk.operations
    )
    return DocumentShape(operations, walk.spreads, walk.visits)


@dataclass(slots=True)
class _Part:
    """One operation or fragment as written: its own depth and aliases, and the fragments
    it spreads with the depth each is spread at."""

    depth: int = 0
    aliases: int = 0
    spreads: list[tuple[str, int | None]] = field(default_factory=list)
    """Fragments spread, each with the depth it is spread at (``None`` in introspection)."""


class _Walk(Visitor):
    """Measures each operation and fragment as written, in one pass of graphql-core's
    (iterative) visitor."""

    def __init__(self) -> None:
        super().__init__()
        self.operations: list[tuple[str | None, _Part]] = []
        self.fragments: dict[str, _Part] = {}
        self.spreads = 0
        self.visits = 0
        self._part = _Part()
        self._depth = 0
        self._introspecting = 0

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        self._start()
        self.operations.append((node.name.value if node.name else None, self._part))

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        self._start()
        self.fragments.setdefault(node.name.value, self._part)

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.visits += 1
        if node.alias is not None:
            self._part.aliases += 1
        if node.selection_set is None:
            return
        if self._introspecting or node.name.value.startswith("__"):
            self._introspecting += 1
            return
        self._depth += 1
        self._part.depth = max(self._part.depth, self._depth)

    def leave_field(self, node: FieldNode, *_: Any) -> None:
        if node.selection_set is None:
            return
        if self._introspecting:
            self._introspecting -= 1
        else:
            self._depth -= 1

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.visits += 1
        self.spreads += 1
        at = None if self._introspecting else self._depth
        self._part.spreads.append((node.name.value, at))

    def _start(self) -> None:
        self._part = _Part()
        self._depth = 0
        self._introspecting = 0


def _combine(part: _Part, fragments: dict[str, tuple[int, int]]) -> tuple[int, int]:
    depth, aliases = part.depth, part.aliases
    for name, at in part.spreads:
        inner_depth, inner_aliases = fragments.get(name, (0, 0))
        if at is not None:
            depth = max(depth, at + inner_depth)
        aliases += inner_aliases
    return depth, aliases


def _resolve(parts: dict[str, _Part]) -> dict[str, tuple[int, int]]:
    """Depth and aliases of every fragment with its spreads expanded, each computed once,
    fragments a fragment spreads first (an explicit stack: chains of fragments may be
    longer than Python's recursion allows)."""
    resolved: dict[str, tuple[int, int]] = {}
    for root in parts:
        stack = [(root, False)]
        open_ = set()
        while stack:
            name, ready = stack.pop()
            if name in resolved:
                continue
            if ready:
                open_.discard(name)
                resolved[name] = _combine(parts[name], resolved)
                continue
            open_.add(name)
            stack.append((name, True))
            for spread, _ in parts[name].spreads:
                if spread in parts and spread not in resolved and spread not in open_:
                    stack.append((spread, False))
    return resolved


class DocumentLimitsRule(ValidationRule):
    """Refuses documents beyond ``limits``' depth, aliases and fragment spreads; made for
    each schema by :func:`document_limits_rule`."""

    limits: ClassVar[QueryLimits] = QueryLimits()
    checked: ClassVar[int] = 0
    """Documents this rule has measured (each once: the validation cache remembers)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        type(self).checked += 1
        for error in document_limit_errors(context.document, self.limits):
            context.report_error(error)


def document_limits_rule(limits: QueryLimits) -> type[DocumentLimitsRule]:
    """The rule for ``limits``. Make it once per schema: the validation cache keys on the
    rule classes."""
    return type("DocumentLimitsRule", (DocumentLimitsRule,), {"limits": limits, "checked": 0})


def document_limit_errors(document: DocumentNode, limits: QueryLimits) -> list[GraphQLError]:
    """What is wrong with ``document``'s shape, as errors written for the client."""
    shape = measure(document)
    errors: list[GraphQLError] = []
    if shape.fragment_spreads > limits.max_fragment_spreads:
        errors.append(
            _error(
                f"the document has {shape.fragment_spreads} fragment spreads; at most "
                f"{limits.max_fragment_spreads} are allowed (ACCOUNTGRAPH_MAX_FRAGMENT_SPREADS)",
                "TOO_MANY_FRAGMENT_SPREADS",
                shape.fragment_spreads,
                limits.max_fragment_spreads,
            )
        )
    for operation in shape.operations:
        if operation.depth > limits.max_depth:
            errors.append(
                _error(
                    f"{operation.describe()} nests fields {operation.depth} levels deep; at "
                    f"most {limits.max_depth} are allowed (ACCOUNTGRAPH_MAX_QUERY_DEPTH)",
                    "QUERY_TOO_DEEP",
                    operation.depth,
                    limits.max_depth,
                )
            )
        if operation.aliases > limits.max_aliases:
            errors.append(
                _error(
                    f"{operation.describe()} uses {operation.aliases} aliases (an alias in a "
                    f"fragment counts each time the fragment is spread); at most "
                    f"{limits.max_aliases} are allowed (ACCOUNTGRAPH_MAX_ALIASES)",
                    "TOO_MANY_ALIASES",
                    operation.aliases,
                    limits.max_aliases,
                )
            )
    return errors


def _error(message: str, code: str, found: int, limit: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, "found": found, "limit": limit})
