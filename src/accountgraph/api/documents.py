"""GraphQL documents parsed and validated once per text, with every limit on.

A document is parsed with the limits the parser holds it to (at most ``max_tokens``
tokens; no empty selection sets, which the GraphQL specification forbids and
graphql-core 3.3 accepts unless told) and validated with graphql-core's rules, strawberry's
and the document limits rule (:mod:`accountgraph.api.document_limits`). Both results are
remembered by the document's text, so a query sent again, whatever its variables, is
neither parsed nor validated again: the limits' verdict is cached with the document.

The variables of each request are then coerced to their types, still before anything
runs: variables that do not fit are a request error, like a document that does not
validate (the GraphQL over HTTP specification answers both with 400, see
:mod:`accountgraph.api.media_types`), not an execution that failed.

The key is the text itself. graphql-core's syntax nodes hash by walking their whole tree,
so a cache keyed on the parsed document (strawberry's ``ValidationCache``) pays a walk of
the document on every request, hit or miss.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from inspect import signature
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

_PARSER_TAKES_EMPTY_SELECTIONS = "allow_empty_selection_sets" in signature(parse).parameters


@dataclass(slots=True)
class _Known:
    document: DocumentNode
    errors: list[GraphQLError] | None = None
    """Validation's verdict, once validated."""


@dataclass
class DocumentCache:
    """The last ``size`` documents parsed, each with its validation's verdict.

    Args:
        schema: the graphql-core schema documents are validated against.
        rules: validation rules beside graphql-core's own.
        max_tokens: the most tokens a document may hold.
        size: how many documents to remember.
    """

    schema: GraphQLSchema
    rules: Sequence[type[ASTValidationRule]]
    max_tokens: int
    size: int = 256
    parsed: int = 0
    """Documents parsed (a document taken from the cache is not counted)."""
    validated: int = 0
    """Documents validated (likewise)."""
    _known: OrderedDict[str, _Known] = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        self._all_rules = (*specified_rules, *self.rules)
        self._options: dict[str, Any] = {"max_tokens": self.max_tokens}
        if _PARSER_TAKES_EMPTY_SELECTIONS:
            self._options["allow_empty_selection_sets"] = False

    def parse(self, text: str) -> DocumentNode:
        """The document ``text`` holds; a :class:`GraphQLError` saying where it is wrong."""
        known = self._known.get(text)
        if known is not None:
            self._known.move_to_end(text)
            return known.document
        document = parse(text, **self._options)
        self.parsed += 1
        self._known[text] = _Known(document)
        while len(self._known) > self.size:
            self._known.popitem(last=False)
        return document

    def validate(self, text: str, document: DocumentNode) -> list[GraphQLError]:
        """What is wrong with ``document`` (parsed from ``text``); empty when it is valid."""
        known = self._known.get(text)
        if known is None or known.document is not document:
            self.validated += 1
            return validate_document(self.schema, document, self._all_rules)
        if known.errors is None:
            self.validated += 1
            known.errors = validate_document(self.schema, document, self._all_rules)
        return list(known.errors)


class CachedDocuments(SchemaExtension):
    """Parses and validates each request's document through the schema's
    :class:`DocumentCache` (``documents``)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        cache = _cache_of(context.schema)
        if cache is not None and context.query and context.graphql_document is None:
            context.graphql_document = cache.parse(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        cache = _cache_of(context.schema)
        document = context.graphql_document
        if cache is not None and context.query and document is not None:
            errors = cache.validate(context.query, document)
            if not errors:
                errors = variable_errors(
                    cache.schema, document, context.operation_name, context.variables
                )
            context.pre_execution_errors = errors
        yield


def variable_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> list[GraphQLError]:
    """What is wrong with the ``variables`` of the operation ``operation_name`` (a missing
    required one, a value of the wrong type); empty when they fit, or when there is no such
    operation (execution says so)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    return coerced if isinstance(coerced, list) else []


def is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation ``operation_name`` of ``document`` changes the graph."""
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation is OperationType.MUTATION


def _cache_of(schema: object) -> DocumentCache | None:
    cache = getattr(schema, "documents", None)
    return cache if isinstance(cache, DocumentCache) else None
