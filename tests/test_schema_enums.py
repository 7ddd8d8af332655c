"""Every enum value of the schema is described, and ``lang`` is the enum ``Lang``: a
generated client types it, and a wrong value is refused before anything runs (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import GraphQLEnumType, GraphQLSchema
from starlette.testclient import TestClient

from accountgraph import model
from accountgraph.api.app import create_app
from accountgraph.api.enums import Language, described_enum
from accountgraph.api.schema import build_schema
from accountgraph.settings import Settings
from tests.api_client import GraphQLClient


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def enums(schema: GraphQLSchema) -> dict[str, GraphQLEnumType]:
    return {
        name: type_
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
    }


def test_every_enum_value_has_a_description(schema: GraphQLSchema) -> None:
    undescribed = [
        f"{name}.{value_name}"
        for name, enum in enums(schema).items()
        for value_name, value in enum.values.items()
        if not (value.description or "").strip()
    ]
    assert undescribed == []


def test_the_enums_that_had_none_are_among_them(schema: GraphQLSchema) -> None:
    assert {"PartyKind", "Relation", "Direction", "Severity", "Lang"} <= set(enums(schema))


def test_an_enum_missing_a_description_is_refused_naming_it() -> None:
    with pytest.raises(
        ValueError, match=r"must describe every value of Direction: missing \['BOTH'\]"
    ):
        described_enum(
            model.Direction,
            name="Direction",
            description="Which edges.",
            values={model.Direction.OUT: "Out.", model.Direction.IN: "In."},
        )


def test_lang_is_the_languages_the_model_serves() -> None:
    assert tuple(language.value for language in Language) == model.LANGUAGES


def test_every_lang_argument_is_the_enum(schema: GraphQLSchema) -> None:
    kinds = {
        str(argument.type)
        for type_ in schema.type_map.values()
        for field in getattr(type_, "fields", {}).values()
        for name, argument in getattr(field, "args", {}).items()
        if name == "lang"
    }
    assert kinds == {"Lang"}


@pytest.fixture(scope="module")
def gql() -> Iterator[GraphQLClient]:
    with TestClient(create_app(Settings())) as http:
        yield GraphQLClient(http)


def test_lang_gives_the_same_answers(gql: GraphQLClient) -> None:
    data = gql.data('{ party(id: "ceb") { en: name zh: name(lang: ZH) explicit: name(lang: EN) } }')
    assert data["party"]["en"] == data["party"]["explicit"]
    assert data["party"]["en"].startswith("United Nations System Chief Executives Board")
    assert data["party"]["zh"].startswith("行政首长理事会")


def test_lang_as_a_variable(gql: GraphQLClient) -> None:
    document = 'query($lang: Lang) { party(id: "ceb") { name(lang: $lang) } }'
    zh = gql.data(document, {"lang": "ZH"})
    assert zh["party"]["name"].startswith("行政首长理事会")


def test_a_lang_in_lower_case_is_refused_with_the_value_meant(gql: GraphQLClient) -> None:
    assert gql.errors('{ party(id: "ceb") { name(lang: zh) } }') == [
        "Value 'zh' does not exist in 'Lang' enum. Did you mean the enum value 'ZH'?"
    ]
