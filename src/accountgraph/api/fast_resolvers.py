"""A fast path for the resolvers strawberry would wrap for nothing.

Strawberry calls every resolver through layers meant for features this API does not use
on them — field extensions, permission classes, exception handlers, argument conversion
into input types and enums — and pays for them on every field of every answer: a path of
seven parties is some fifty resolver calls. For a field that uses none of those features
and whose arguments graphql-core already gives in their final form (scalars: strings,
numbers, booleans, ids, dates; and ``Lang``, whose code the resolvers take as well as its
member), :func:`install_fast_resolvers` lets graphql-core call the
resolver directly, with the same arguments strawberry would pass: the object as ``self``,
the arguments by their Python names, and strawberry's ``Info`` when the resolver asks for
it. A field that uses any of those features keeps strawberry's resolver.

Likewise an interface (a ``Party``: an ``Actor`` or a ``Body``) learns an object's type
from the object's class at once, where strawberry's resolver first checks for
``strawberry.cast`` and generic types, which this API does not use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import strawberry
from graphql import (
    GraphQLAbstractType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLUnionType,
)
from strawberry.relay.types import GlobalID
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

from accountgraph.api.enums import Language

Resolver = Callable[..., Any]


def install_fast_resolvers(schema: strawberry.Schema) -> list[str]:
    """Give every field of ``schema`` that can take the fast path its direct resolver, and
    every interface and union a type resolver by class; return the fields changed, as
    ``Type.field``."""
    _install_type_resolvers(schema)
    installed: list[str] = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, graphql_field in graphql_type.fields.items():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            fast = _direct_resolver(schema, field)
            if fast is not None:
                graphql_field.resolve = fast
                installed.append(f"{graphql_type.name}.{name}")
    return installed


def _direct_resolver(schema: strawberry.Schema, field: StrawberryField) -> Resolver | None:
    """The resolver calling ``field``'s function directly, or ``None`` when the field needs
    strawberry's own."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.permission_classes:
        return None
    if resolver.parent_parameter is not None or resolver.root_parameter is not None:
        return None
    handlers = getattr(schema.schema_converter, "_get_field_exception_handlers", None)
    if handlers is not None and handlers(field):
        return None
    registry = schema.schema_converter.scalar_registry
    names = schema.config.name_converter
    renamed: dict[str, str] = {}
    for argument in field.arguments:
        if not _given_as_is(argument.type, registry):
            return None
        graphql_name = names.get_graphql_name(argument)
        if graphql_name != argument.python_name:
            renamed[graphql_name] = argument.python_name
    function = resolver.wrapped_func
    if not callable(function):  # a static or class method not yet bound: strawberry's way
        return None
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        if renamed:
            arguments = {renamed.get(name, name): value for name, value in arguments.items()}
        if info_name is not None:
            arguments[info_name] = info_class(_raw_info=info, _field=field)
        if takes_self:
            return function(source, **arguments)
        return function(**arguments)

    return resolve


def _given_as_is(type_: object, registry: Mapping[object, object]) -> bool:
    """Whether strawberry would pass an argument of ``type_`` on unchanged: a scalar (or
    an optional one) other than relay's global ids."""
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if type_ is GlobalID:
        return False
    if isinstance(type_, StrawberryEnumDefinition):
        return type_.wrapped_cls is Language
    return type_ in registry or type_ in (str, int, float, bool)


def _install_type_resolvers(schema: strawberry.Schema) -> None:
    names: dict[type, str] = {}
    for known in schema.schema_converter.type_map.values():
        definition, implementation = known.definition, known.implementation
        if (
            isinstance(definition, StrawberryObjectDefinition)
            and isinstance(implementation, GraphQLObjectType)
            and not definition.is_graphql_generic
        ):
            names[definition.origin] = implementation.name
    graphql_schema = schema._schema
    for abstract in graphql_schema.type_map.values():
        if not isinstance(abstract, GraphQLInterfaceType | GraphQLUnionType):
            continue
        original = abstract.resolve_type
        if original is None:
            continue
        possible = {t.name for t in graphql_schema.get_possible_types(abstract)}
        by_class = {origin: name for origin, name in names.items() if name in possible}
        abstract.resolve_type = _by_class(by_class, original)


def _by_class(by_class: dict[type, str], original: Resolver) -> Resolver:
    def resolve_type(obj: Any, info: GraphQLResolveInfo[Any], abstract: GraphQLAbstractType) -> Any:
        name = by_class.get(type(obj))
        return name if name is not None else original(obj, info, abstract)

    return resolve_type
