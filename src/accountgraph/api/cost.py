"""What a GraphQL operation may cost, computed from its validated document before any of
it runs.

The cost bounds how many values the answer may hold, plus the graph searches asked for.
Each field counts one for every value it yields, and its selections count again for
every one of those values::

    cost(field) = search(field) + size(field) × (1 + cost(its selections))

``size`` is 1 for a single value. For a list it is the bound the arguments set, capped
as the API caps them: ``parties`` pages hold ``first`` parties (at most 500);
``accountabilityChains``, ``delegationEnds`` and ``paths`` return ``first`` paths (at
most 1000) of at most ``maxDepth`` steps (at most 32), so a path's ``nodes`` number
``maxDepth + 1`` and its ``edges`` and ``explanation`` ``maxDepth``. Lists that grow
with the data have an assumed size (:data:`ASSUMED_SIZES`; ``edges(direction: BOTH)``
counts both directions; any list not named there: :data:`DEFAULT_LIST_SIZE`), and
introspection's lists are as long as they are on average in the schema (which is what
the usual introspection query returns).

``search`` is the work a field does beyond the values it returns: ``first × maxDepth``
for a path query, :data:`TRANSITIVE_REACH` for ``accountableTo(transitive: true)`` and
``holdsAccountable(transitive: true)``, :data:`AUDIT_COST` for an audit of the graph,
:data:`DIFF_COST` for a change set's ``diff`` (worked out on the whole graph),
:data:`HISTORY_COST` for a party's ``history`` (a look-up in the log) and
:data:`CHANGE_COST` for each mutation (a change set checked against the whole graph and
the rule book). ``changeSets`` pages hold ``first`` change sets (at most
:data:`MAX_CHANGE_SET_PAGE`).

``{ dataset { name } }`` costs 1 × (1 + 1) = 2; ``{ party(id: "ceb") { edges { to { id }
} } }`` costs 1 × (1 + 10 × (1 + 1 × (1 + 1))) = 31.

Variables are resolved (``first: $n``). Each fragment is costed once per bound it is
spread under (a ``Path`` fragment depends on ``maxDepth``, a ``PartyConnection`` one on
``first``; any other on nothing), so doubling fragments cost a line each to price. A
:class:`CostModel` caches costs by document text, operation and the values of the
variables they depend on.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_list_type,
)

from accountgraph.store.base import MAX_DEPTH, MAX_PAGE, MAX_PATHS

ASSUMED_SIZES: Mapping[str, int] = {
    "Party.accountableTo": 5,
    "Party.holdsAccountable": 5,
    "Party.reportsTo": 5,
    "Party.memberOf": 5,
    "Party.responsibilities": 10,
    "Party.facts": 5,
    "Party.aliases": 5,
    "Party.edges": 10,
    "Body.members": 10,
    "Edge.sources": 3,
    "Audit.findings": 100,
    "Audit.checks": 20,
    "Finding.parties": 5,
    "Finding.partyIds": 5,
    "Finding.sections": 5,
    "Party.history": 10,
    "ChangeSet.operations": 10,
    "ChangeSet.partyIds": 5,
    "GraphChanges.parties": 10,
    "GraphChanges.edges": 10,
    "GraphChanges.duties": 10,
    "PartyRecord.aliases": 5,
    "PartyRecord.facts": 5,
    "EdgeRecord.sources": 3,
    "Refusal.parties": 5,
}
"""Assumed lengths of the lists that grow with the data (WIPO's graph: a party has at most
13 edges out, 9 in, 10 duties; a body 2 members)."""

DEFAULT_LIST_SIZE = 10
"""Assumed length of any list that neither its arguments nor :data:`ASSUMED_SIZES` bound."""

TRANSITIVE_REACH = 25
"""Assumed number of parties ``transitive: true`` reaches, and the work of finding them."""

AUDIT_COST = 1_000
"""The work of an audit: every integrity check over the whole graph."""

DIFF_COST = 500
"""The work of a change set's ``diff``: its operations done on a copy of the whole graph."""

HISTORY_COST = 10
"""The work of a party's ``history``: a look-up in the log."""

CHANGE_COST = 1_000
"""The work of a mutation: a change set checked against the whole graph and the rule book."""

MAX_CHANGE_SET_PAGE = 100
"""The most change sets a ``changeSets`` page holds (as the API caps it)."""

_PATH_QUERIES = frozenset({"accountabilityChains", "delegationEnds", "paths"})
_BOUNDED_FRAGMENTS = frozenset({"Path", "PartyConnection", "ChangeSetConnection"})


@dataclass(frozen=True, slots=True)
class OperationCost:
    """An operation's cost, and what computing it involved."""

    total: int
    variables: tuple[str, ...]
    """The variables the cost depends on (those passed as ``first``, ``maxDepth``, …)."""
    visits: int
    """Selections priced: linear in the document, however its fragments multiply."""


class CostModel:
    """Prices operations of one schema, and remembers the prices.

    Args:
        schema: the graphql-core schema the documents are validated against.
        cache_size: how many documents (and how many priced variable values) to remember.
    """

    def __init__(self, schema: GraphQLSchema, *, cache_size: int = 256) -> None:
        self.schema = schema
        self._sizes = {**ASSUMED_SIZES, **_introspection_sizes(schema)}
        self._cache_size = cache_size
        self._variables_of: OrderedDict[tuple[str, str | None], tuple[str, ...]] = OrderedDict()
        self._totals: OrderedDict[tuple[str, str | None, str], int] = OrderedDict()

    def cost(
        self,
        document: DocumentNode,
        *,
        text: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int | None:
        """The cost of the operation ``operation_name`` of ``document`` (parsed from
        ``text``) with ``variables``, from the cache when it was priced before. ``None``
        when the operation cannot run at all (no such operation): execution says why."""
        variables = variables or {}
        document_key = (text, operation_name)
        names = self._variables_of.get(document_key)
        if names is not None:
            self._variables_of.move_to_end(document_key)
            key = (text, operation_name, _values_key(names, variables))
            total = self._totals.get(key)
            if total is not None:
                self._totals.move_to_end(key)
                return total
        priced = self.price(document, operation_name, variables)
        if priced is None:
            return None
        _remember(self._variables_of, document_key, priced.variables, self._cache_size)
        key = (text, operation_name, _values_key(priced.variables, variables))
        _remember(self._totals, key, priced.total, self._cache_size)
        return priced.total

    def price(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None = None,
    ) -> OperationCost | None:
        """Price one operation of a validated document, without the cache."""
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        root = _root_type(self.schema, operation.operation)
        if root is None:
            return None
        pricing = _Pricing(self, document, operation, variables or {})
        total = pricing.selections(root, operation.selection_set, None)
        return OperationCost(total, tuple(sorted(pricing.used_variables)), pricing.visits)

    def field(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(name)
            return found
        return None

    def list_size(self, key: str) -> int:
        return self._sizes.get(key, DEFAULT_LIST_SIZE)


class _Missing:
    """An argument given no value (so its default applies)."""


class _Unreadable:
    """An argument whose value the cost cannot tell (so the worst case applies)."""


_MISSING = _Missing()
_UNREADABLE = _Unreadable()


@dataclass(frozen=True, slots=True)
class _Price:
    size: int
    search: int = 0
    bound: int | None = None
    """What the field's own selections are bounded by: a path's steps, a page's size."""


class _Pricing:
    """One operation being priced: the fragments priced so far, the variables read."""

    def __init__(
        self,
        model: CostModel,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.model = model
        self.variables = variables
        self.defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.priced: dict[tuple[str, int | None], int] = {}
        self.pricing: set[tuple[str, int | None]] = set()
        self.used_variables: set[str] = set()
        self.visits = 0

    def selections(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, bound: int | None
    ) -> int:
        total = 0
        pending = [(parent, selection_set)]
        while pending:
            owner, selections = pending.pop()
            for selection in selections.selections:
                self.visits += 1
                if isinstance(selection, FieldNode):
                    total += self.field(owner, selection, bound)
                elif isinstance(selection, InlineFragmentNode):
                    narrowed = self.type_of(selection.type_condition) or owner
                    pending.append((narrowed, selection.selection_set))
                elif isinstance(selection, FragmentSpreadNode):
                    total += self.fragment(selection.name.value, bound)
        return total

    def fragment(self, name: str, bound: int | None) -> int:
        definition = self.fragments.get(name)
        if definition is None:
            return 0
        on = self.type_of(definition.type_condition)
        if on is None:
            return 0
        key = (name, bound if on.name in _BOUNDED_FRAGMENTS else None)
        found = self.priced.get(key)
        if found is not None:
            return found
        if key in self.pricing:
            return 0
        self.pricing.add(key)
        total = self.selections(on, definition.selection_set, key[1])
        self.pricing.discard(key)
        self.priced[key] = total
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, bound: int | None) -> int:
        definition = self.model.field(parent, node.name.value)
        if definition is None:
            return 1
        price = self.price(parent, node, definition, bound)
        inner = 0
        returned = get_named_type(definition.type)
        if node.selection_set is not None:
            inner = self.selections(returned, node.selection_set, price.bound)
        return price.search + price.size * (1 + inner)

    def price(
        self, parent: GraphQLNamedType, node: FieldNode, field: GraphQLField, bound: int | None
    ) -> _Price:
        name = node.name.value
        key = self.key(parent, name)
        if key == "Query.parties":
            return _Price(1, bound=self.integer(node, field, "first", MAX_PAGE))
        if parent is self.model.schema.query_type and name in _PATH_QUERIES:
            first = self.integer(node, field, "first", MAX_PATHS)
            depth = self.integer(node, field, "maxDepth", MAX_DEPTH)
            return _Price(first, first * depth, depth)
        if key == "Query.audit":
            return _Price(1, AUDIT_COST)
        if key == "Query.changeSets":
            return _Price(1, bound=self.integer(node, field, "first", MAX_CHANGE_SET_PAGE))
        if parent is self.model.schema.mutation_type:
            return _Price(1, CHANGE_COST)
        if key == "ChangeSet.diff":
            return _Price(1, DIFF_COST)
        if key == "Party.history":
            return _Price(self.model.list_size(key), HISTORY_COST)
        if key == "PartyConnection.edges":
            return _Price(MAX_PAGE if bound is None else bound)
        if key == "ChangeSetConnection.edges":
            return _Price(MAX_CHANGE_SET_PAGE if bound is None else bound)
        if key == "Path.nodes":
            return _Price((MAX_DEPTH if bound is None else bound) + 1)
        if key in ("Path.edges", "Path.explanation"):
            return _Price(MAX_DEPTH if bound is None else bound)
        if key in ("Party.accountableTo", "Party.holdsAccountable"):
            transitive = self.argument(node, field, "transitive")
            if transitive is True or isinstance(transitive, _Unreadable):
                return _Price(TRANSITIVE_REACH, TRANSITIVE_REACH)
        if key == "Party.edges":
            direction = self.argument(node, field, "direction")
            both = direction == "BOTH" or isinstance(direction, _Unreadable)
            return _Price(self.model.list_size(key) * (2 if both else 1))
        if is_list_type(get_nullable_type(field.type)):
            return _Price(self.model.list_size(key))
        return _Price(1)

    def key(self, parent: GraphQLNamedType, name: str) -> str:
        """``Type.field``, named after the interface that declares the field if one does
        (``Body.edges`` is ``Party.edges``; ``Body.members`` stays)."""
        if isinstance(parent, GraphQLObjectType):
            for interface in parent.interfaces:
                if name in interface.fields:
                    return f"{interface.name}.{name}"
        return f"{parent.name}.{name}"

    def integer(self, node: FieldNode, field: GraphQLField, name: str, cap: int) -> int:
        value = self.argument(node, field, name)
        if isinstance(value, bool) or not isinstance(value, int):
            return cap
        return max(0, min(value, cap))

    def argument(self, node: FieldNode, field: GraphQLField, name: str) -> Any:
        """The value an argument will have: given, from a variable, or its default.
        Enum values are their names."""
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        value = _MISSING if given is None else self.value(given)
        if value is None or isinstance(value, _Missing):
            argument = field.args.get(name)
            value = None if argument is None else argument.default_value
        return getattr(value, "name", value) if not isinstance(value, str) else value

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            name = node.name.value
            self.used_variables.add(name)
            if name in self.variables:
                raw = self.variables[name]
                if isinstance(raw, float) and raw.is_integer():
                    return int(raw)
                return raw
            default = self.defaults.get(name)
            return _MISSING if default is None else self.value(default)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, BooleanValueNode):
            return node.value
        if isinstance(node, EnumValueNode):
            return node.value
        if isinstance(node, NullValueNode):
            return None
        return _UNREADABLE

    def type_of(self, node: NamedTypeNode | None) -> GraphQLNamedType | None:
        if node is None:
            return None
        return self.model.schema.get_type(node.name.value)


def _root_type(schema: GraphQLSchema, operation: OperationType) -> GraphQLObjectType | None:
    if operation is OperationType.QUERY:
        return schema.query_type
    if operation is OperationType.MUTATION:
        return schema.mutation_type
    return schema.subscription_type


def _introspection_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """How long each introspection list is on average in this schema: the answer to the
    usual introspection query (every type, its fields, their arguments) is then priced at
    its true size."""
    types = list(schema.type_map.values())
    composite = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in composite for f in t.fields.values()]
    directives = schema.directives
    return {
        "__Schema.types": len(types),
        "__Schema.directives": len(directives),
        "__Type.fields": _mean(len(fields), len(types)),
        "__Type.interfaces": _mean(sum(len(t.interfaces) for t in composite), len(types)),
        "__Type.possibleTypes": _mean(
            sum(len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)),
            len(types),
        ),
        "__Type.enumValues": _mean(
            sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType)), len(types)
        ),
        "__Type.inputFields": _mean(
            sum(len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)),
            len(types),
        ),
        "__Field.args": _mean(sum(len(f.args) for f in fields), len(fields)),
        "__Directive.args": _mean(sum(len(d.args) for d in directives), len(directives)),
        "__Directive.locations": _mean(sum(len(d.locations) for d in directives), len(directives)),
    }


def _mean(total: int, count: int) -> int:
    return -(-total // count) if count else 0


def _values_key(names: tuple[str, ...], variables: Mapping[str, Any]) -> str:
    return json.dumps([variables.get(name) for name in names], sort_keys=True, default=repr)


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
